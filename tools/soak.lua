-- wrk script for make soak (tools/soak.sh). Each request carries a token
-- of a known class in its URI (/api/valid/..., /api/expired/..., ...);
-- the gateway answers "ok URI ..." from the upstream or "refused URI
-- reason" from its 401 page, so every response can be checked: a valid
-- token must reach the upstream, any other must be refused. Tokens come
-- from DIR/tokens-PHASE.txt, where DIR/phase names the current phase
-- (re-read every 100 requests while keys rotate).

local dir = os.getenv("SOAK_DIR")
local list, phase, k, i = {}, "", 0, 0
local threads = {}

local function load()
    local f = io.open(dir .. "/phase")
    local p = f and f:read("*l")
    if f then f:close() end
    if p == nil or p == "" then
        if phase ~= "" then return end
        p = "1"
    end
    if p == phase then return end
    local l = {}
    for line in io.lines(dir .. "/tokens-" .. p .. ".txt") do
        local class, tok = line:match("^(%S+) (%S+)$")
        l[#l + 1] = { class, tok }
    end
    list, phase = l, p
end

function setup(thread)
    table.insert(threads, thread)
end

function init(args)
    good, bad, s5, badlist = 0, 0, 0, ""
    load()
end

function request()
    k = k + 1
    if k % 100 == 0 then load() end
    i = i % #list + 1
    local e = list[i]
    return wrk.format("GET", "/api/" .. e[1] .. "/" .. k,
                      { ["Authorization"] = "Bearer " .. e[2] })
end

function response(status, headers, body)
    if status >= 500 then
        s5 = s5 + 1
        return
    end
    local verdict, class = body:match("^(%a+) /api/(%a+)/")
    if (verdict == "ok" and class == "valid" and status == 200)
       or (verdict == "refused" and class ~= "valid" and status == 401) then
        good = good + 1
    else
        bad = bad + 1
        if #badlist < 400 then
            badlist = badlist .. status .. " " .. body:sub(1, 60) .. "\n"
        end
    end
end

function done(summary, latency, requests)
    local g, b, f = 0, 0, 0
    for _, t in ipairs(threads) do
        g = g + t:get("good")
        b = b + t:get("bad")
        f = f + t:get("s5")
        io.write(t:get("badlist"))
    end
    io.write(string.format("soak-result: checked=%d wrong=%d 5xx=%d "
                           .. "socket_errors=%d\n", g + b + f, b, f,
                           summary.errors.connect + summary.errors.read
                           + summary.errors.write + summary.errors.timeout))
end
