-- Drives a headless Neovim (0.7+) whose init.lua is the README's Neovim snippet, started in a copy
-- of examples/prochat-host: diagnostics on a file never opened, hover, a quick fix applied, a
-- rename across files, a file created on disk noticed. Every wait is vim.wait on a predicate with
-- a timeout. Writes what it saw as JSON to $PORTOLAN_NVIM_OUT (test/neovim.test.ts asserts it),
-- then quits.
local ws = vim.fn.getcwd()
local out = os.getenv('PORTOLAN_NVIM_OUT')
local TIMEOUT = 20000
local v = vim.version()
local results = { nvim = string.format('%d.%d.%d', v.major, v.minor, v.patch), steps = {} }

local function path(rel) return ws .. '/' .. rel end
local function uri(rel) return vim.uri_from_fname(path(rel)) end

-- Every textDocument/publishDiagnostics, by URI, passed on to Neovim's own handler.
local published = {}
local original = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
  published[result.uri] = result.diagnostics
  return original(err, result, ctx, config)
end

-- Every window/logMessage text, passed on likewise.
results.logs = {}
local original_log = vim.lsp.handlers['window/logMessage']
vim.lsp.handlers['window/logMessage'] = function(err, result, ctx, config)
  table.insert(results.logs, result.message)
  return original_log(err, result, ctx, config)
end

local function codes(rel)
  local list = {}
  for _, d in ipairs(published[uri(rel)] or {}) do table.insert(list, d.code) end
  return list
end

local function has_code(rel, code)
  for _, c in ipairs(codes(rel)) do
    if c == code then return true end
  end
  return false
end

local function wait(what, pred)
  if not vim.wait(TIMEOUT, pred, 20) then error('timed out waiting for ' .. what) end
end

local function open(rel)
  vim.cmd('edit ' .. vim.fn.fnameescape(path(rel)))
  local buf = vim.api.nvim_get_current_buf()
  wait('the portolan client on ' .. rel, function() return next(vim.lsp.buf_get_clients(buf)) ~= nil end)
  return buf
end

-- The 0-based position of the `nth` character of `needle` in the buffer (ASCII files).
local function position(buf, needle, offset)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local col = line:find(needle, 1, true)
    if col then return { line = i - 1, character = col - 1 + (offset or 0) } end
  end
  error('no ' .. needle .. ' in buffer ' .. buf)
end

-- The one result of a request to the portolan client.
local function request(buf, method, params)
  local answers, err = vim.lsp.buf_request_sync(buf, method, params, TIMEOUT)
  if not answers then error(method .. ': ' .. tostring(err)) end
  for _, a in pairs(answers) do
    if a.error then error(method .. ': ' .. vim.inspect(a.error)) end
    return a.result
  end
  error(method .. ': no answer')
end

local function text(buf) return table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n') end

local function run()
  -- A quick fix on the unit: opening it starts the client.
  local unit = 'etc/systemd/system/rtcd.service'
  local unit_buf = open(unit)
  results.filetype = vim.bo[unit_buf].filetype

  -- Diagnostics for a file that was never opened.
  local config_json = 'opt/mattermost/config/config.json'
  wait('rtcd-mismatch on ' .. config_json, function() return has_code(config_json, 'rtcd-mismatch') end)
  local json_buf = vim.fn.bufnr(path(config_json))
  results.never_opened = { codes = codes(config_json), loaded = json_buf ~= -1 and vim.api.nvim_buf_is_loaded(json_buf) }

  wait('unknown-rtcd-key on the unit', function() return has_code(unit, 'unknown-rtcd-key') end)
  local at = position(unit_buf, 'API_SECURITY', 2)
  local actions = request(unit_buf, 'textDocument/codeAction', {
    textDocument = { uri = uri(unit) }, range = { start = at, ['end'] = at }, context = { diagnostics = {}, only = { 'quickfix' } },
  })
  local action = actions[1]
  if action.edit == nil then action = request(unit_buf, 'codeAction/resolve', action) end
  vim.lsp.util.apply_workspace_edit(action.edit, 'utf-16')
  results.quickfix = { title = action.title, text = text(unit_buf) }
  wait('unknown-rtcd-key gone after the fix', function() return published[uri(unit)] ~= nil and not has_code(unit, 'unknown-rtcd-key') end)
  results.steps.quickfix_cleared = true

  -- Hover on the nginx site's listen port.
  local site = 'etc/nginx/sites-enabled/rtcd'
  local site_buf = open(site)
  local hover = request(site_buf, 'textDocument/hover', { textDocument = { uri = uri(site) }, position = position(site_buf, 'listen 8444', 8) })
  results.hover = hover and hover.contents and (hover.contents.value or hover.contents) or vim.NIL

  -- Rename rtcd's API port from its config: the site's proxy_pass follows.
  local toml = 'etc/rtcd/config.toml'
  local toml_buf = open(toml)
  local edit = request(toml_buf, 'textDocument/rename', { textDocument = { uri = uri(toml) }, position = position(toml_buf, ':8444', 2), newName = '8045' })
  vim.lsp.util.apply_workspace_edit(edit, 'utf-16')
  results.rename = { toml = text(toml_buf), site = text(site_buf) }

  -- A file created on disk, never opened.
  local added = 'etc/nginx/sites-enabled/added'
  local f = assert(io.open(path(added), 'w'))
  f:write('server {\n    listen 70000;\n}\n')
  f:close()
  wait('invalid-port on the file created on disk', function() return has_code(added, 'invalid-port') end)
  results.created = { codes = codes(added) }
end

local ok, err = pcall(run)
if not ok then results.error = tostring(err) end
local fh = assert(io.open(out, 'w'))
fh:write(vim.fn.json_encode(results))
fh:close()
vim.cmd('qa!')
