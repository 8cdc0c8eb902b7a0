# Sourced by scripts/test-sanitize and scripts/fuzz: how the sanitizers report, in one place.
# tests/sanitizers/lsan.supp names the leaks of uninstrumented libraries, each with its reason.
sanitizers_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export LSAN_OPTIONS="suppressions=$sanitizers_dir/lsan.supp:print_suppressions=0"
# LibTorch's libraries and ours both hold a few of the same inline variables: not a defect of ours.
export ASAN_OPTIONS="detect_odr_violation=0:allocator_may_return_null=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export OMP_WAIT_POLICY=PASSIVE
