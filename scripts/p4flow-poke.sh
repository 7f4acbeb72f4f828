#!/bin/sh
# A Perforce change-commit trigger that tells P4Flow a change was submitted, so the integration bot looks at once
# instead of at its next poll. In the server's trigger table (p4 triggers):
#   p4flow-poke change-commit //depot/... "/usr/local/bin/p4flow-poke.sh %change%"
# It needs P4FLOW_URL (the orchestrator's API) and an operator's API key in P4FLOW_KEY_FILE (mode 0600, readable by
# the user p4d runs as). It never fails the submit: the change is submitted already, and the next poll finds it anyway.
url="${P4FLOW_URL:-https://p4flow.example.com}"
key_file="${P4FLOW_KEY_FILE:-/etc/p4flow/poke-key}"
curl -fsS --max-time 5 -X POST -H "X-Api-Key: $(cat "$key_file")" "$url/api/branches/poke" >/dev/null 2>&1 || true
exit 0
