# templates/run/lib/report-json.py, run.sh's --json report: NODE COMMAND then STATUS NAME DETAIL triples, as one JSON document.
import json, sys
node, command, flat = sys.argv[1], sys.argv[2], sys.argv[3:]
checks = [{"status": s, "name": n, "detail": d} for s, n, d in zip(flat[0::3], flat[1::3], flat[2::3])]
failed = sum(c["status"] == "FAIL" for c in checks)
print(json.dumps({"node": node, "command": command, "ok": failed == 0, "failed": failed, "checks": checks}, indent=2))
