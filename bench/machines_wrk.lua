-- machines_wrk.lua — the wrk script of bench/machines.mjs (one wrk thread):
--   wrk -t1 -cC -dD -s bench/machines_wrk.lua URL -- BODIES [HEADER_NAME HEADER_FILE]
-- POSTs the form bodies of BODIES (one a line) in turn to URL's path, each once while they
-- last (then again from the first: a replayed assertion is then refused and counted as an
-- error by wrk's summary), with the header HEADER_NAME whose value is HEADER_FILE's text
-- (the client certificate, as a trusted proxy hands it).
local bodies, idx = {}, 0
local path

function init(args)
  for line in io.lines(args[1]) do bodies[#bodies + 1] = line end
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  if args[2] then
    local f = assert(io.open(args[3], "r"))
    wrk.headers[args[2]] = f:read("*a")
    f:close()
  end
  path = wrk.path
end

function request()
  idx = idx % #bodies + 1
  return wrk.format("POST", path, nil, bodies[idx])
end
