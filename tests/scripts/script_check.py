"""What the script tests (tests/scripts/*_test.py) share: how a check ends."""


def report(output, failures, passed):
    """Prints the script's output and every failure, or the one pass line; the exit status."""
    if failures:
        print(output)
        print("\n".join("FAIL: " + f for f in failures))
        return 1
    print(passed)
    return 0
