-- oidc_wrk.lua — the wrk script of bench/oidc.sh (one wrk thread).
--   wrk -t1 -cC -dD -s bench/oidc_wrk.lua URL -- MODE FILE PATH AUTH REDIRECT VERIFIER OUT
-- MODE code:     POST PATH grant_type=authorization_code for each code of FILE, once
-- MODE refresh:  POST PATH grant_type=refresh_token for each refresh token of FILE, once
-- MODE userinfo: GET PATH with the first access token of FILE, for the whole duration
-- In the token modes every value is used exactly once; the script measures the time from
-- the first request to the last accepted answer itself (LuaJIT ffi clock), prints
-- "RESULT ok=N bad=N seconds=S" and exits. Answers of code mode go to OUT
-- ("refresh access" per line) for the next phases.
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_usec; } oidc_bench_tv;
int gettimeofday(oidc_bench_tv *tv, void *tz);
]]
local tv = ffi.new("oidc_bench_tv")
local function now()
  ffi.C.gettimeofday(tv, nil)
  return tonumber(tv.tv_sec) + tonumber(tv.tv_usec) / 1e6
end

local mode, path, auth, redirect, verifier, out
local values = {}
local idx, sent, received, ok, bad = 0, 0, 0, 0, 0
local t_first, t_last, t_answer
local outf

local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function init(args)
  mode, path, auth, redirect, verifier, out = args[1], args[3], args[4], args[5], args[6], args[7]
  for line in io.lines(args[2]) do
    if line ~= "" then
      if mode == "code" then
        values[#values + 1] = line
      else
        -- "refresh access" lines
        local r, a = line:match("^(%S+) (%S+)$")
        values[#values + 1] = (mode == "refresh") and r or a
      end
    end
  end
  if mode == "code" and out and out ~= "" then
    outf = io.open(out, "w")
  end
end

function request()
  if mode == "userinfo" then
    return wrk.format("GET", path, { Authorization = "Bearer " .. values[1] })
  end
  idx = idx + 1
  local v = values[idx]
  if v == nil then
    -- Every value is out: keep the connection busy with a request that is not counted
    -- (a 404) until the last answers are in.
    return wrk.format("GET", "/bench-no-such-path")
  end
  if not t_first then t_first = now() end
  sent = sent + 1
  local body
  if mode == "code" then
    body = "grant_type=authorization_code&code=" .. v .. "&redirect_uri=" .. urlencode(redirect)
      .. "&code_verifier=" .. verifier
  else
    body = "grant_type=refresh_token&refresh_token=" .. v
  end
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Authorization"] = auth,
  }, body)
end

local function finish()
  if outf then outf:close() end
  io.write(string.format("RESULT ok=%d bad=%d seconds=%.4f\n", ok, bad,
    (t_last or now()) - (t_first or now())))
  io.stdout:flush()
  os.exit(0)
end

function response(status, headers, body)
  if mode == "userinfo" then return end
  if status == 404 then
    -- A filler: done once every value is out and no answer came for half a second (a
    -- request lost with a closed connection is not waited for).
    if idx > #values and now() - (t_answer or now()) > 0.5 then finish() end
    return
  end
  received = received + 1
  t_answer = now()
  if status == 200 and body:find('"access_token"', 1, true) then
    ok = ok + 1
    t_last = t_answer
    if outf then
      local r = body:match('"refresh_token":"([^"]+)"')
      local a = body:match('"access_token":"([^"]+)"')
      outf:write(r, " ", a, "\n")
    end
  else
    bad = bad + 1
    if bad <= 3 then io.stderr:write("bench: answer ", status, ": ", body:sub(1, 200), "\n") end
  end
  if received == #values then finish() end
end
