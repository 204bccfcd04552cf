/*
 * The Lua scripts that do the work server side. They declare the items set (`...}z`) of each
 * record and derive its siblings (`...}h`, `...}m`) by swapping the last character: they share
 * the hash tag, so they live in the same Cluster slot as the declared key.
 *
 * Lua compares strings with strcoll, which depends on the server's locale, so bytes are
 * compared with string.byte and write times as two unsigned 32-bit halves (a double holds
 * neither an int64 nor a binary string order).
 */

/** Shared helpers: byte order, time order, the entry header (see entry-codec.ts). */
const COMMON = `
local function cmp(a, b)
  if a == b then return 0 end
  local la, lb = #a, #b
  local n = la < lb and la or lb
  for i = 1, n do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then if x < y then return -1 end return 1 end
  end
  if la < lb then return -1 end
  return 1
end
local function cmp_time(ah, al, bh, bl)
  if ah ~= bh then if ah < bh then return -1 end return 1 end
  if al ~= bl then if al < bl then return -1 end return 1 end
  return 0
end
-- tombstone?, dead (tombstone or expired)?, time hi, time lo, header length
local function entry_info(e, now)
  local flags = string.byte(e, 1)
  local hi, lo = struct.unpack('>I4I4', e, 2)
  local tomb = flags % 2 == 1
  if flags >= 2 then
    return tomb, tomb or struct.unpack('>d', e, 10) <= now, hi, lo, 17
  end
  return tomb, tomb, hi, lo, 9
end
`;

/**
 * Applies the operations of one or more records of a mutate, with the same last-write-wins
 * rules as the shared engine (@rdg/kv OrderedKvEngine): later time wins; at equal times a
 * delete beats a put and the greater value wins; an expired item is a tombstone at its write
 * time; record and range deletes remove what is not newer and block older late puts.
 * KEYS[i] = items set of record i; ARGV[1] = now (f64 ms), key-expiry grace (f64 ms);
 * ARGV[i + 1] = the packed operations of record i (write-batch-codec.ts). Returns the number
 * of writes applied.
 *
 * Record meta lives in the record's hash under the empty field (no item key is empty), so the
 * first lookup of a record, HMGET h key '', brings it along:
 *   flags u8 (1 = record delete time, 2 = key-level expiry), [i64 time], [f64 expiry ms],
 *   then range tombstones: (u16 startLen, u16 endLen, start, end, i64 time)*, 0xffff = open.
 * The live item count of counted namespaces is field 'c' of the '...}m' key (HINCRBY).
 */
const WRITE_BODY = `${COMMON}
local now, grace = struct.unpack('>dd', ARGV[1])
local total = 0

-- State of the record being applied (script-level locals, reset per record: no closures per record).
local z, h, m, counted, delta
local meta_loaded, meta_dirty, del_h, del_l, ranges, meta_x
local put_applied, any_persistent, max_exp, zadded, h_existed

local function parse_meta(v)
  meta_loaded = true
  if not v then return end
  local flags = string.byte(v, 1)
  local p = 2
  if flags % 2 == 1 then del_h, del_l = struct.unpack('>I4I4', v, p); p = p + 8 end
  if flags % 4 >= 2 then meta_x = struct.unpack('>d', v, p); p = p + 8 end
  while p <= #v do
    local p0 = p
    local sl, el = struct.unpack('>HH', v, p)
    p = p + 4
    local s, e
    if sl ~= 65535 then s = string.sub(v, p, p + sl - 1); p = p + sl end
    if el ~= 65535 then e = string.sub(v, p, p + el - 1); p = p + el end
    local th, tl = struct.unpack('>I4I4', v, p)
    p = p + 8
    ranges = ranges or {}
    ranges[#ranges + 1] = { s = s, e = e, th = th, tl = tl, raw = string.sub(v, p0, p - 1) }
  end
end

local function save_meta()
  local flags, parts = 0, {}
  if del_h then flags = flags + 1; parts[#parts + 1] = struct.pack('>I4I4', del_h, del_l) end
  if meta_x then flags = flags + 2; parts[#parts + 1] = struct.pack('>d', meta_x) end
  if ranges then for i = 1, #ranges do parts[#parts + 1] = ranges[i].raw end end
  if #parts == 0 then
    redis.call('HDEL', h, '')
  else
    redis.call('HSET', h, '', string.char(flags) .. table.concat(parts))
  end
end

local function ensure_meta()
  if not meta_loaded then parse_meta(redis.call('HGET', h, '')) end
end

-- The stored entry of an item; the record's first lookup also brings its meta.
local function lookup(key)
  if meta_loaded then return redis.call('HGET', h, key) end
  local v = redis.call('HMGET', h, key, '')
  parse_meta(v[2])
  if v[1] or v[2] then h_existed = true end
  return v[1]
end

local function covered(key, th, tl)
  ensure_meta()
  if del_h and cmp_time(th, tl, del_h, del_l) <= 0 then return true end
  if ranges then
    for i = 1, #ranges do
      local r = ranges[i]
      if cmp_time(th, tl, r.th, r.tl) <= 0 and (r.s == nil or cmp(key, r.s) >= 0) and (r.e == nil or cmp(key, r.e) < 0) then return true end
    end
  end
  return false
end

local function put(key, entry)
  local flags = string.byte(entry, 1)
  local ih, il = struct.unpack('>I4I4', entry, 2)
  local cur = lookup(key)
  local was_live = false
  if cur then
    local tomb, dead, eh, el, ehdr = entry_info(cur, now)
    was_live = not tomb
    local c = cmp_time(ih, il, eh, el)
    if c < 0 then return end
    if c == 0 then
      if dead then return end
      local ihdr = flags >= 2 and 17 or 9
      if cmp(string.sub(entry, ihdr + 1), string.sub(cur, ehdr + 1)) <= 0 then return end
    end
    -- Only a tombstone can sit under a record or range delete that is newer than it.
    if tomb and covered(key, ih, il) then return end
  elseif covered(key, ih, il) then
    return
  end
  if flags >= 2 then
    -- Whether the record is new decides if it may expire as a whole; asked once, before the
    -- first value with a TTL lands (something written earlier in the same call counts as old).
    if meta_x == nil and h_existed == nil then h_existed = redis.call('EXISTS', h) == 1 end
    local exp = struct.unpack('>d', entry, 10)
    if exp > max_exp then max_exp = exp end
  else
    any_persistent = true
  end
  redis.call('HSET', h, key, entry)
  if not was_live then
    redis.call('ZADD', z, 0, key)
    delta = delta + 1
    zadded = true
  end
  put_applied = true
  total = total + 1
end

local function delete_key(key, tbytes)
  local th, tl = struct.unpack('>I4I4', tbytes)
  local cur = lookup(key)
  if cur then
    local tomb, dead, eh, el = entry_info(cur, now)
    local c = cmp_time(th, tl, eh, el)
    if c < 0 or (c == 0 and dead) then return end
    if not tomb then
      redis.call('ZREM', z, key)
      delta = delta - 1
    end
  elseif covered(key, th, tl) then
    return
  end
  redis.call('HSET', h, key, '\\1' .. tbytes)
  total = total + 1
end

local function remove_fields(doomed, also_z)
  for i = 1, #doomed, 1000 do
    local last = i + 999
    if last > #doomed then last = #doomed end
    redis.call('HDEL', h, unpack(doomed, i, last))
    if also_z then redis.call('ZREM', z, unpack(doomed, i, last)) end
  end
end

-- Removes the values of [s, e) written at or before the delete. Item tombstones in the range
-- stay: a put over a tombstone still checks the range tombstone recorded here.
local function delete_range(s, e, th, tl, raw)
  local lo = s and ('[' .. s) or '-'
  local hi = e and ('(' .. e) or '+'
  while true do
    local keys = redis.call('ZRANGEBYLEX', z, lo, hi, 'LIMIT', 0, 500)
    if #keys == 0 then break end
    local vals = redis.call('HMGET', h, unpack(keys))
    local doomed = {}
    for i = 1, #keys do
      local v = vals[i]
      if not v then
        doomed[#doomed + 1] = keys[i]
      else
        local eh, el = struct.unpack('>I4I4', v, 2)
        if cmp_time(eh, el, th, tl) <= 0 then doomed[#doomed + 1] = keys[i] end
      end
    end
    if #doomed > 0 then
      remove_fields(doomed, true)
      delta = delta - #doomed
    end
    if #keys < 500 then break end
    lo = '(' .. keys[#keys]
  end
  ensure_meta()
  ranges = ranges or {}
  ranges[#ranges + 1] = { s = s, e = e, th = th, tl = tl, raw = raw }
  meta_dirty = true
  total = total + 1
end

-- Removes every entry (values and tombstones) written at or before the delete; the meta
-- field, and with it the hash and its expiry, stays.
local function delete_record(th, tl)
  local all = redis.call('HGETALL', h)
  local doomed, live_doomed, live = {}, 0, 0
  for i = 1, #all, 2 do
    if all[i] ~= '' then
      local tomb, _, eh, el = entry_info(all[i + 1], now)
      if not tomb then live = live + 1 end
      if cmp_time(eh, el, th, tl) <= 0 then
        doomed[#doomed + 1] = all[i]
        if not tomb then live_doomed = live_doomed + 1 end
      end
    end
  end
  if live_doomed > 0 and live_doomed == live then
    redis.call('DEL', z)
    remove_fields(doomed, false)
  else
    remove_fields(doomed, true)
  end
  delta = delta - live_doomed
  ensure_meta()
  if del_h == nil or cmp_time(del_h, del_l, th, tl) < 0 then del_h, del_l = th, tl end
  if ranges then
    local kept = {}
    for i = 1, #ranges do
      if cmp_time(ranges[i].th, ranges[i].tl, th, tl) > 0 then kept[#kept + 1] = ranges[i] end
    end
    ranges = kept
  end
  meta_dirty = true
  total = total + 1
end

-- Key-level expiry: a record made only of values with a TTL expires as a whole some time
-- after its last item does ('grace', plus a quarter so that most writes need not extend it),
-- and expired items keep shadowing older late writes until then. A value without a TTL makes
-- the record permanent again.
local function finish_record()
  if counted and delta ~= 0 then redis.call('HINCRBY', m, 'c', delta) end
  if put_applied then
    if any_persistent then
      if meta_x then
        redis.call('PERSIST', h)
        redis.call('PERSIST', z)
        if counted then redis.call('PERSIST', m) end
        meta_x = nil
        meta_dirty = true
      end
    elseif grace > 0 and (meta_x or not h_existed) then
      if meta_x == nil or max_exp + grace > meta_x then
        meta_x = math.ceil(max_exp + grace * 1.25)
        meta_dirty = true
        local at = string.format('%d', meta_x)
        redis.call('PEXPIREAT', h, at)
        redis.call('PEXPIREAT', z, at)
        if counted then redis.call('PEXPIREAT', m, at) end
      elseif zadded then
        -- The items set may have been emptied and made again without the expiry.
        local at = string.format('%d', meta_x)
        redis.call('PEXPIREAT', z, at)
        if counted then redis.call('PEXPIREAT', m, at) end
      end
    end
  end
  if meta_dirty then save_meta() end
end

`;

/** The loop over the records of a call: where the r-th record's items key and blob come from. */
const recordLoop = (count: string, key: string, blob: string): string => `
for r = 1, ${count} do
  z = ${key}
  local base = string.sub(z, 1, -2)
  h, m = base .. 'h', base .. 'm'
  local blob = ${blob}
  counted = string.byte(blob, 1) % 2 == 1
  delta, meta_loaded, meta_dirty, del_h, del_l, ranges, meta_x = 0, false, false, nil, nil, nil, nil
  put_applied, any_persistent, max_exp, zadded, h_existed = false, false, 0, false, nil
  local pos, len = 2, #blob
  while pos <= len do
    local op = string.byte(blob, pos)
    if op == 1 then
      local kl, el = struct.unpack('>HI4', blob, pos + 1)
      local k0 = pos + 7
      put(string.sub(blob, k0, k0 + kl - 1), string.sub(blob, k0 + kl, k0 + kl + el - 1))
      pos = k0 + kl + el
    elseif op == 2 then
      local kl = struct.unpack('>H', blob, pos + 1)
      local k0 = pos + 3
      delete_key(string.sub(blob, k0, k0 + kl - 1), string.sub(blob, k0 + kl, k0 + kl + 7))
      pos = k0 + kl + 8
    elseif op == 3 then
      local sl, el = struct.unpack('>HH', blob, pos + 1)
      local p = pos + 5
      local s, e
      if sl ~= 65535 then s = string.sub(blob, p, p + sl - 1); p = p + sl end
      if el ~= 65535 then e = string.sub(blob, p, p + el - 1); p = p + el end
      local th, tl = struct.unpack('>I4I4', blob, p)
      delete_range(s, e, th, tl, string.sub(blob, pos + 1, p + 7))
      pos = p + 8
    elseif op == 4 then
      local th, tl = struct.unpack('>I4I4', blob, pos + 1)
      delete_record(th, tl)
      pos = pos + 9
    else
      return redis.error_reply('ERR rdg write script: unknown operation ' .. tostring(op))
    end
  end
  finish_record()
end
return total
`;

/** The write script with each record's items key declared: KEYS[r], ARGV[r + 1] (see WRITE_BODY). */
export const WRITE_SCRIPT: string = WRITE_BODY + recordLoop("#KEYS", "KEYS[r]", "ARGV[r + 1]");

/**
 * The write script for records of many slots on one Cluster node: KEYS[1] is one record's
 * items key, declared only so that the call is routed to that node (a call's declared keys
 * must share a slot); ARGV[2r] and ARGV[2r + 1] are the r-th record's items key and blob.
 * `allow-cross-slot-keys` (Redis 7.0) lets it touch keys of other slots that this node serves;
 * a key the node does not serve (a slot moved since the client grouped the batch) fails the
 * call with "non local key", and the store then sends those records one call each.
 */
export const NODE_WRITE_SCRIPT: string = `#!lua flags=allow-cross-slot-keys
${WRITE_BODY}${recordLoop("math.floor((#ARGV - 1) / 2)", "ARGV[2 * r]", "ARGV[2 * r + 1]")}`;

/** Live (unexpired) items of a record, for namespaces that keep no count. KEYS[1] = items set; ARGV[1] = now (ms). */
export const COUNT_SCRIPT: string = `${COMMON}
local z = KEYS[1]
local h = string.sub(z, 1, -2) .. 'h'
local now = tonumber(ARGV[1])
local n = 0
local lo = '-'
while true do
  local keys = redis.call('ZRANGEBYLEX', z, lo, '+', 'LIMIT', 0, 1000)
  if #keys == 0 then return n end
  local vals = redis.call('HMGET', h, unpack(keys))
  for i = 1, #keys do
    local e = vals[i]
    if e then
      local _, dead = entry_info(e, now)
      if not dead then n = n + 1 end
    end
  end
  if #keys < 1000 then return n end
  lo = '(' .. keys[#keys]
end
`;
