-- wrk script for make bench's DPoP configurations. Each line of
-- BENCH_PROOFS is "TOKEN PROOF"; each request carries the next one, as
-- "Authorization: DPoP TOKEN" and "DPoP: PROOF". nginx's replay cache takes
-- a proof once, so every line is used once, in order, across the runs of
-- one bench: this run starts at byte BENCH_OFFSET of the file, and done()
-- prints where the next one must start:
--
--   bench-dpop: used N next OFFSET without M
--
-- Run out of lines, a request goes without a proof (nginx answers 401,
-- which wrk counts as non-2xx) and M counts it: tools/bench.sh then marks
-- the run invalid. One thread only (wrk -t 1): the file is read in order.

local threads = {}

-- the thread's globals, read by done() through thread:get()
proofs = nil
offset = 0
used = 0
without = 0
last_token = ""

function setup(thread)
    threads[#threads + 1] = thread
end

function init(args)
    proofs = assert(io.open(os.getenv("BENCH_PROOFS"), "r"))
    offset = tonumber(os.getenv("BENCH_OFFSET") or "0")
    assert(proofs:seek("set", offset) == offset)
end

function request()
    local line = proofs:read("*l")

    if line == nil then
        without = without + 1
        return wrk.format("GET", nil,
                          { ["Authorization"] = "DPoP " .. last_token })
    end

    local sp = assert(line:find(" ", 1, true), "a line is TOKEN PROOF")

    used = used + 1
    offset = offset + #line + 1
    last_token = line:sub(1, sp - 1)

    return wrk.format("GET", nil, { ["Authorization"] = "DPoP " .. last_token,
                                    ["DPoP"] = line:sub(sp + 1) })
end

function done(summary, latency, requests)
    if #threads ~= 1 then
        io.write("bench-dpop: run with one thread (wrk -t 1)\n")
        return
    end

    local t = threads[1]

    io.write(string.format("bench-dpop: used %d next %d without %d\n",
                           t:get("used"), t:get("offset"), t:get("without")))
end
