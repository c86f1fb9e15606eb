-- wrk script for make bench: each request carries the next token of
-- BENCH_TOKENS (one per line), so a file of one token repeats it and a
-- file of many gives a mix of users.

local tokens = {}
local i = 0

for line in io.lines(os.getenv("BENCH_TOKENS")) do
    tokens[#tokens + 1] = "Bearer " .. line
end

function request()
    i = i % #tokens + 1
    return wrk.format("GET", nil, { ["Authorization"] = tokens[i] })
end
