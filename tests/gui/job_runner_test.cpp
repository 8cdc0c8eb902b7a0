// The background job runner: progress arrives on the GUI thread, cancel leaves no run folder, a
// failure carries the core's message, one job per kind, and the event loop keeps running.
#include "tests/support/tiny_runs.h"  // LibTorch first: Qt defines `slots` as a macro

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <algorithm>

#include "core/common/errors.h"
#include "gui_test.h"
#include "views/job_runner.h"

namespace tdq::views {
namespace {

using JobRunnerTest = testing::GuiTest;

// Waits for `runner` to finish (or `ms`); true when it did.
bool wait_finished(JobRunner& runner, int ms = 60000) {
  if (!runner.running()) return true;
  QSignalSpy finished(&runner, &JobRunner::finished);
  return finished.wait(ms);
}

TEST_F(JobRunnerTest, ProgressAndResultArriveOnTheGuiThread) {
  JobRunner runner(QStringLiteral("test-progress"));
  QSignalSpy progressed(&runner, &JobRunner::progressed);
  QSignalSpy succeeded(&runner, &JobRunner::succeeded);
  QThread* gui = QThread::currentThread();
  bool all_on_gui_thread = true;
  QObject::connect(&runner, &JobRunner::progressed, &runner,
                   [&] { all_on_gui_thread &= QThread::currentThread() == gui; });
  ASSERT_TRUE(runner.start([](const ProgressFn& progress) {
    for (int i = 1; i <= 5; ++i) {
      QThread::msleep(60);  // more than the runner's 50 ms throttle: every report is posted
      report_progress(progress, {i, 5, "step " + std::to_string(i)});
    }
    return std::filesystem::path("/some/run");
  }));
  EXPECT_TRUE(runner.running());
  ASSERT_TRUE(wait_finished(runner));
  ASSERT_EQ(succeeded.count(), 1);
  EXPECT_EQ(succeeded.at(0).at(0).toString(), QStringLiteral("/some/run"));
  ASSERT_GE(progressed.count(), 3);
  EXPECT_TRUE(all_on_gui_thread);
  const auto last = progressed.last();
  EXPECT_DOUBLE_EQ(last.at(0).toDouble(), 1.0);
  EXPECT_DOUBLE_EQ(last.at(1).toDouble(), 0.0);  // ETA at the end
  EXPECT_EQ(last.at(2).toString(), QStringLiteral("step 5"));
  // Fractions only grow, and an ETA is known once some work is done.
  for (int i = 1; i < progressed.count(); ++i) {
    EXPECT_GE(progressed.at(i).at(0).toDouble(), progressed.at(i - 1).at(0).toDouble());
  }
  EXPECT_GT(progressed.at(1).at(1).toDouble(), 0.0);
  EXPECT_FALSE(runner.running());
}

TEST_F(JobRunnerTest, OneJobPerKind) {
  JobRunner first(QStringLiteral("test-kind")), second(QStringLiteral("test-kind")),
      other(QStringLiteral("test-other-kind"));
  std::atomic<bool> release{false};
  auto wait_for_release = [&release](const ProgressFn& progress) {
    while (!release) {
      report_progress(progress, {0, 1, ""});
      QThread::msleep(5);
    }
    return std::filesystem::path();
  };
  ASSERT_TRUE(first.start(wait_for_release));
  EXPECT_TRUE(JobRunner::kind_running(QStringLiteral("test-kind")));
  EXPECT_FALSE(first.start(wait_for_release));
  EXPECT_FALSE(second.start(wait_for_release));
  EXPECT_TRUE(other.start(wait_for_release));
  release = true;
  ASSERT_TRUE(wait_finished(first));
  ASSERT_TRUE(wait_finished(other));
  EXPECT_FALSE(JobRunner::kind_running(QStringLiteral("test-kind")));
  EXPECT_TRUE(second.start([](const ProgressFn&) { return std::filesystem::path(); }));
  EXPECT_TRUE(wait_finished(second));
}

TEST_F(JobRunnerTest, CancelledAnalyzeRunLeavesNoFolder) {
  test::TempDir dir;
  const test::TinyRuns tiny = test::make_tiny_model(dir);
  AnalyzeJob job = test::tiny_analyze_job(tiny, 400);  // long enough to be cancelled mid-way
  const auto out = dir / "analyze";
  JobRunner runner(QStringLiteral("test-cancel"));
  QSignalSpy cancelled(&runner, &JobRunner::cancelled);
  QSignalSpy succeeded(&runner, &JobRunner::succeeded);
  QObject::connect(&runner, &JobRunner::progressed, &runner, &JobRunner::cancel);
  ASSERT_TRUE(
      runner.start([job, out](const ProgressFn& p) { return run_analyze_job(job, out, p); }));
  ASSERT_TRUE(wait_finished(runner));
  EXPECT_EQ(cancelled.count(), 1);
  EXPECT_EQ(succeeded.count(), 0);
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_FALSE(std::filesystem::exists(dir / "analyze.tmp"));
  // Nothing else was left in the folder either (no other temp names).
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_NE(entry.path().filename().string().rfind("analyze", 0), 0u) << entry.path();
  }
}

TEST_F(JobRunnerTest, FailureCarriesTheCoreMessage) {
  test::TempDir dir;
  AnalyzeJob job;
  job.model_dir = dir / "no-such-model";
  JobRunner runner(QStringLiteral("test-fail"));
  QSignalSpy failed(&runner, &JobRunner::failed);
  ASSERT_TRUE(runner.start(
      [job, out = dir / "x"](const ProgressFn& p) { return run_analyze_job(job, out, p); }));
  ASSERT_TRUE(wait_finished(runner));
  ASSERT_EQ(failed.count(), 1);
  EXPECT_TRUE(failed.at(0).at(0).toString().contains(QStringLiteral("no-such-model")))
      << failed.at(0).at(0).toString().toStdString();
  EXPECT_FALSE(std::filesystem::exists(dir / "x"));
}

// The GUI thread only receives queued signals while a job runs: a 10 ms timer must keep firing.
TEST_F(JobRunnerTest, EventLoopStaysResponsiveDuringAJob) {
  test::TempDir dir;
  const test::TinyRuns tiny = test::make_tiny_model(dir);
  AnalyzeJob job = test::tiny_analyze_job(tiny, 100);
  job.n = 8;
  JobRunner runner(QStringLiteral("test-latency"));
  QElapsedTimer clock;
  qint64 last = 0, max_gap = 0;
  int ticks = 0;
  QTimer timer;
  timer.setInterval(10);
  QObject::connect(&timer, &QTimer::timeout, [&] {
    const qint64 now = clock.elapsed();
    max_gap = std::max(max_gap, now - last);
    last = now;
    ++ticks;
  });
  ASSERT_TRUE(runner.start(
      [job, out = dir / "a"](const ProgressFn& p) { return run_analyze_job(job, out, p); }));
  clock.start();
  timer.start();
  ASSERT_TRUE(wait_finished(runner));
  timer.stop();
  const qint64 total = clock.elapsed();
  std::printf("event loop during a %lld ms job: %d ticks, max gap %lld ms\n",
              static_cast<long long>(total), ticks, static_cast<long long>(max_gap));
  EXPECT_TRUE(std::filesystem::exists(dir / "a"));
  EXPECT_GT(total, 200) << "the job was too short to measure anything";
  EXPECT_LT(max_gap, 200);
  EXPECT_GT(ticks, total / 40);  // most of the 10 ms ticks came
}

}  // namespace
}  // namespace tdq::views
