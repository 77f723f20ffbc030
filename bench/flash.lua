-- wrk script for bench/flashsale.py: every request is a buy by its own shopper.
-- FLASH_TOKENS: file of shopper tokens, one a line; FLASH_PATH, FLASH_BODY: what to POST.
local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  tokens = {}
  for line in io.lines(os.getenv("FLASH_TOKENS")) do tokens[#tokens + 1] = line end
  stride = tonumber(os.getenv("WRK_THREADS"))
  path = os.getenv("FLASH_PATH")
  body = os.getenv("FLASH_BODY")
  created, refused = 0, 0
end

function request()
  local token = tokens[(tid + counter * stride) % #tokens + 1]
  counter = counter + 1
  return wrk.format("POST", path, {["Authorization"] = "Bearer " .. token,
                                   ["Content-Type"] = "application/json"}, body)
end

function response(status, headers, body)
  if status == 201 then created = created + 1 else refused = refused + 1 end
end

function done(summary, latency, requests)
  local c, r = 0, 0
  for _, thread in ipairs(threads) do
    c = c + thread:get("created")
    r = r + thread:get("refused")
  end
  io.write(string.format("CREATED %d REFUSED %d\n", c, r))
  for _, p in ipairs({50, 99}) do
    io.write(string.format("P%d %d\n", p, latency:percentile(p)))
  end
end
