-- wrk script for make bench: each request carries the next token of
-- BENCH_TOKENS (one per line), so a file of one token repeats it and a
-- file of many gives a mix of users. BENCH_HEADERS, when set, is a file of
-- "Name: value" lines sent with every request too (mtls-hdr's client
-- certificate, as a TLS terminator passes it).

local tokens = {}
local headers = {}
local i = 0

for line in io.lines(os.getenv("BENCH_TOKENS")) do
    tokens[#tokens + 1] = "Bearer " .. line
end

if os.getenv("BENCH_HEADERS") then
    for line in io.lines(os.getenv("BENCH_HEADERS")) do
        local name, value = line:match("^([^:]+):%s*(.*)$")
        headers[name] = value
    end
end

function request()
    i = i % #tokens + 1
    headers["Authorization"] = tokens[i]
    return wrk.format("GET", nil, headers)
end
