-- wrk script for bench/cds-wrk.sh: POSTs the CDS request bodies of a file (one JSON request per line) in turn,
-- each wrk thread starting at a different line, so the calls spread over the patients.
local bodies = {}
local next_index = 1
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("first", thread_count)
end

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then bodies[#bodies + 1] = line end
  end
  next_index = ((first or 1) - 1) % #bodies + 1
end

function request()
  local body = bodies[next_index]
  next_index = next_index % #bodies + 1
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, body)
end
