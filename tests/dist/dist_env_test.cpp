// The torch.distributed environment: a single process by default, every mistake a launcher can
// make named by field and variable.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "core/common/errors.h"
#include "core/dist/dist_env.h"
#include "core/dist/shard.h"

namespace tdq {
namespace {

DistEnv env_of(const std::map<std::string, std::string>& variables) {
  return dist_env_from([&](const char* name) -> const char* {
    const auto it = variables.find(name);
    return it == variables.end() ? nullptr : it->second.c_str();
  });
}

// The field and the text of the error `variables` give.
std::pair<std::string, std::string> error_of(const std::map<std::string, std::string>& variables) {
  try {
    env_of(variables);
  } catch (const ConfigError& e) {
    return {e.field(), e.what()};
  }
  return {"", "no error"};
}

TEST(DistEnv, NothingSetIsOneProcess) {
  const DistEnv env = env_of({});
  EXPECT_EQ(env.rank, 0);
  EXPECT_EQ(env.world_size, 1);
  EXPECT_EQ(env_of({{"WORLD_SIZE", "1"}}).world_size, 1);
}

TEST(DistEnv, ReadsTheStandardVariables) {
  const DistEnv env = env_of({{"RANK", "3"},
                              {"WORLD_SIZE", "4"},
                              {"LOCAL_RANK", "1"},
                              {"MASTER_ADDR", "10.0.0.2"},
                              {"MASTER_PORT", "29500"},
                              {"TDQ_DIST_TIMEOUT", "7"}});
  EXPECT_EQ(env.rank, 3);
  EXPECT_EQ(env.world_size, 4);
  EXPECT_EQ(env.local_rank, 1);
  EXPECT_EQ(env.master_addr, "10.0.0.2");
  EXPECT_EQ(env.master_port, 29500);
  EXPECT_EQ(env.timeout, std::chrono::seconds(7));
  // LOCAL_RANK defaults to RANK (one machine).
  EXPECT_EQ(env_of({{"RANK", "1"},
                    {"WORLD_SIZE", "2"},
                    {"MASTER_ADDR", "127.0.0.1"},
                    {"MASTER_PORT", "1234"}})
                .local_rank,
            1);
}

TEST(DistEnv, MistakesNameTheFieldAndTheVariable) {
  const std::map<std::string, std::string> good = {
      {"RANK", "1"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "127.0.0.1"}, {"MASTER_PORT", "1234"}};
  auto without = [&](const std::string& name) {
    auto v = good;
    v.erase(name);
    return v;
  };
  auto with = [&](const std::string& name, const std::string& value) {
    auto v = good;
    v[name] = value;
    return v;
  };
  EXPECT_EQ(error_of(without("WORLD_SIZE")).first, "dist.world_size");  // RANK alone
  const auto missing_rank = error_of(without("RANK"));
  EXPECT_EQ(missing_rank.first, "dist.rank");
  EXPECT_NE(missing_rank.second.find("RANK is not set"), std::string::npos) << missing_rank.second;
  const auto too_big = error_of(with("RANK", "2"));
  EXPECT_EQ(too_big.first, "dist.rank");
  EXPECT_NE(too_big.second.find("0..1"), std::string::npos) << too_big.second;
  EXPECT_EQ(error_of(with("RANK", "x")).first, "dist.rank");
  EXPECT_EQ(error_of(with("WORLD_SIZE", "0")).first, "dist.world_size");
  EXPECT_EQ(error_of(without("MASTER_ADDR")).first, "dist.master_addr");
  EXPECT_EQ(error_of(without("MASTER_PORT")).first, "dist.master_port");
  EXPECT_EQ(error_of(with("MASTER_PORT", "70000")).first, "dist.master_port");
  EXPECT_EQ(error_of(with("TDQ_DIST_TIMEOUT", "0")).first, "dist.timeout");
}

TEST(BatchShard, ConsecutiveDisjointCoveringAndRankZeroHoldsTheFirstBatch) {
  for (int world = 1; world <= 5; ++world) {
    for (std::int64_t batches = world; batches <= 13; ++batches) {
      std::int64_t next = 0;
      for (int rank = 0; rank < world; ++rank) {
        DistContext dist;
        dist.rank = rank;
        dist.world_size = world;
        const BatchShard shard = batch_shard(batches, dist);
        EXPECT_EQ(shard.first, next);
        EXPECT_GE(shard.end - shard.first, batches / world);
        EXPECT_LE(shard.end - shard.first, batches / world + 1);
        next = shard.end;
      }
      EXPECT_EQ(next, batches);
    }
  }
}

}  // namespace
}  // namespace tdq
