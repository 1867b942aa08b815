-- wrk script for the wrk bench scripts: sends the lines of a file in turn, each wrk thread starting at a different
-- line so the calls spread over the patients. Arguments: the file, then "post" (each line a JSON request body,
-- POSTed to the URL given to wrk) or "get" (each line a path, fetched as FHIR JSON), then for "get" the
-- Cache-Control header to send (default no-cache, which keeps HAPI from answering a repeated search from its
-- search cache; "no-store, max-results=N" asks for a search HAPI does not store for paging).
local lines = {}
local method = "post"
local cache_control = "no-cache"
local next_index = 1
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("first", thread_count)
end

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then lines[#lines + 1] = line end
  end
  method = args[2] or "post"
  cache_control = args[3] or cache_control
  next_index = ((first or 1) - 1) % #lines + 1
end

function request()
  local line = lines[next_index]
  next_index = next_index % #lines + 1
  if method == "get" then
    return wrk.format("GET", line, { ["Accept"] = "application/fhir+json", ["Cache-Control"] = cache_control })
  end
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, line)
end
