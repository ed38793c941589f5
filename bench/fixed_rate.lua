-- wrk at a fixed offered rate (bench/run.py's tail measurement, bench/README.md).
--
-- `wrk -t T -c C -s bench/fixed_rate.lua URL -- <requests per second per thread>`
--
-- Each wrk thread keeps one timetable: request k is due at start + k / rate. A connection
-- that is free claims the next request due (`delay()`, which wrk calls before each request on
-- a connection) and waits until then, so the C connections are a pool that keeps to the
-- timetable whatever one slow answer does: a stalled connection holds up only its own
-- request, and the others take the ones falling due meanwhile. wrk's own latency (from the
-- moment a request is written to its answer) is then the reader's, as long as a free
-- connection was there when each request fell due.
--
-- When none was (every connection waiting for an answer), the request leaves late and its
-- reader's wait is longer than wrk records: the coordinated omission of closed-loop load.
-- This script counts those requests instead of hiding them: `late` is how many were claimed
-- after their time. If a share s of requests were late, the true p99 lies between the p99
-- recorded and the recorded percentile 99 + 100 s (a late request's wait is its recorded one
-- plus its lateness, so at most s of all requests can move above a value they were below),
-- which the report gives as `p99_bound` (none when s reaches 1 %: -1).
--
-- wrk's timers count whole milliseconds: the requests due within one millisecond leave
-- together, the same for every server measured.

local ffi = require("ffi")
ffi.cdef([[
typedef struct { long seconds; long nanoseconds; } fixed_rate_clock;
int clock_gettime(int clock, fixed_rate_clock *now);
]])
local CLOCK_MONOTONIC = 1
local clock = ffi.new("fixed_rate_clock")

local function now()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, clock)
  return tonumber(clock.seconds) + tonumber(clock.nanoseconds) * 1e-9
end

-- Every thread's state, for done() to add up (read back through thread:get).
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

local interval, start, next_due = 0, nil, 0
late, late_worst, claimed = 0, 0, 0

function init(args)
  interval = 1 / tonumber(args[1])
end

function delay()
  local moment = now()
  start = start or moment
  local due = start + next_due * interval
  next_due = next_due + 1
  claimed = claimed + 1
  if moment > due then
    late = late + 1
    late_worst = math.max(late_worst, moment - due)
    return 0
  end
  return math.floor((due - moment) * 1000)
end

function done(summary, latency, requests)
  local late_all, worst = 0, 0
  for _, thread in ipairs(threads) do
    late_all = late_all + thread:get("late")
    worst = math.max(worst, thread:get("late_worst"))
  end
  local share = late_all / math.max(summary.requests, 1)
  local errors = summary.errors
  io.write(string.format(
    "fixed-rate requests=%d duration_us=%d p50_us=%d p99_us=%d p999_us=%d"
      .. " p99_bound_us=%d late=%d late_worst_ms=%.3f errors=%d\n",
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9),
    share < 0.01 and latency:percentile(99 + 100 * share) or -1, late_all, worst * 1000,
    errors.connect + errors.read + errors.write + errors.status + errors.timeout
  ))
end
