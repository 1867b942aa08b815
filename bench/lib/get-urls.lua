-- wrk script for bench/fhir-search-wrk.sh: GETs the URLs of a file (one path per line) in turn, each wrk thread
-- starting at a different line. Cache-Control: no-cache keeps HAPI from answering a repeated search from its
-- search cache, so every call runs the search.
local urls = {}
local next_index = 1
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("first", thread_count)
end

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then urls[#urls + 1] = line end
  end
  next_index = ((first or 1) * 7 - 1) % #urls + 1
end

function request()
  local url = urls[next_index]
  next_index = next_index % #urls + 1
  return wrk.format("GET", url, { ["Accept"] = "application/fhir+json", ["Cache-Control"] = "no-cache" })
end
