# templates/run/lib/linstor-query.py, run.sh's LINSTOR question (run as python3 -c "$LINSTOR_QUERY" QUERY... <<<"$json").
# Answers a question about `linstor -m --output-version v1 ... list` JSON on stdin (a list with one
# list of objects per API reply): exit 0 yes, 1 no, 2 not a list answer.
#   exists                  at least one object
#   prop KEY VALUE          an object whose property KEY is VALUE
#   drbd-option NAME VALUE  an object with DrbdOptions/<section>/NAME = VALUE
#   online                  at least one object, every one with connection_status ONLINE
#   failing                 an object with an error report (its ret_code has both type bits of
#                           LINSTOR's MASK_ERROR, 0xC000000000000000, set: ApiRcUtils.java)
#   kv KEY VALUE            `controller list-properties` lists KEY = VALUE (no properties: empty)
import json, sys
query = sys.argv[1:]
text = sys.stdin.read()
if query[0] == "kv" and not text.strip():
    sys.exit(1)
try:
    replies = json.loads(text)
except ValueError:
    sys.exit(2)
if not isinstance(replies, list) or not all(isinstance(r, list) for r in replies):
    sys.exit(2)
objects = [o for r in replies for o in r if isinstance(o, dict)]
props = [o.get("props") or {} for o in objects]
if query[0] == "exists":
    yes = bool(objects)
elif query[0] == "prop":
    yes = any(p.get(query[1]) == query[2] for p in props)
elif query[0] == "drbd-option":
    yes = any(k.startswith("DrbdOptions/") and k.endswith("/" + query[1]) and v == query[2] for p in props for k, v in p.items())
elif query[0] == "online":
    yes = bool(objects) and all(o.get("connection_status") == "ONLINE" for o in objects)
elif query[0] == "failing":
    error = 0xC000000000000000
    yes = any(isinstance(r, dict) and (int(r.get("ret_code", 0)) & error) == error for o in objects for r in o.get("reports") or [])
elif query[0] == "kv":
    yes = any(o.get("key") == query[1] and o.get("value") == query[2] for o in objects)
else:
    sys.exit(2)
sys.exit(0 if yes else 1)
