#!/usr/bin/env bash
# Validates the deployment files without a container engine: the Prometheus config and rules (with their
# unit tests), the Grafana dashboard and provisioning, the compose file, the losswatch settings the stack
# uses, and the committed list of queried metric names. Every check runs even when an earlier one failed;
# a summary follows, and the exit status is non-zero if any check failed.
#
#   bash deploy/validate.sh        (from any directory; it works from the repository root)
#
# Installs what is missing from Debian's archive (promtool from `prometheus`, `docker-compose`, python3 and
# its yaml module), which needs root.
set -euo pipefail
cd "$(dirname "$0")/.."

readonly PROMETHEUS_CONFIG=deploy/prometheus/prometheus.yml
readonly RULES=deploy/prometheus/losswatch-rules.yml
readonly RULE_TESTS=deploy/prometheus/losswatch-rules.test.yml
readonly DASHBOARD=deploy/grafana/dashboards/losswatch.json
readonly GRAFANA_PROVISIONING=deploy/grafana/provisioning
readonly COMPOSE=docker-compose.yml
readonly PROPERTIES=deploy/losswatch.properties
readonly SETTING_CATALOGUE=src/main/java/dev/losswatch/runtime/Setting.java
readonly QUERIED_METRICS=deploy/queried-metrics.txt

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

install_missing_tools() {
    local packages=()
    command -v promtool > /dev/null || packages+=(prometheus)
    command -v docker-compose > /dev/null || packages+=(docker-compose)
    command -v python3 > /dev/null || packages+=(python3)
    python3 -c 'import yaml' 2> /dev/null || packages+=(python3-yaml)
    if ((${#packages[@]} > 0)); then
        echo "== installing ${packages[*]}"
        # Without recommends: docker-compose would pull in the docker.io daemon, prometheus a node exporter.
        apt-get update -q
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${packages[@]}"
    fi
}

# Grafana's query variables, replaced by values that keep each query valid PromQL.
dashboard_queries_as_rules() {
    python3 - "$DASHBOARD" << 'EOF'
import json, re, sys

dashboard = json.load(open(sys.argv[1], encoding="utf-8"))
values = {"job": "losswatch", "model": ".*", "version": ".*",
          "__rate_interval": "1m", "__interval": "1m", "__range": "1h"}

def promql(expr, where):
    def substitute(match):
        name = match.group(1) or match.group(2)
        if name not in values:
            sys.exit(f"{where}: unknown dashboard variable ${name} in: {expr}")
        return values[name]
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", substitute, expr)

rules = []
for panel in dashboard["panels"]:
    for target in panel.get("targets", []):
        where = f'panel {panel["id"]} "{panel["title"]}" query {target["refId"]}'
        rules.append({"record": f'dashboard_panel_{panel["id"]}_{target["refId"]}',
                      "expr": promql(target["expr"], where)})
for index, annotation in enumerate(dashboard["annotations"]["list"]):
    if "expr" in annotation:
        rules.append({"record": f"dashboard_annotation_{index}",
                      "expr": promql(annotation["expr"], f'annotation "{annotation["name"]}"')})
for variable in dashboard["templating"]["list"]:
    if variable["type"] == "query":
        selector = re.fullmatch(r"label_values\((.+), *\w+\)", variable["definition"])
        if not selector:
            sys.exit(f'variable "{variable["name"]}": expected label_values(<selector>, <label>), got {variable["definition"]}')
        rules.append({"record": f'dashboard_variable_{variable["name"]}',
                      "expr": promql(selector.group(1), f'variable "{variable["name"]}"')})
# JSON is YAML: promtool reads it as a rule file.
json.dump({"groups": [{"name": "dashboard", "rules": rules}]}, sys.stdout, indent=1)
EOF
}

check_dashboard_queries() {
    dashboard_queries_as_rules > "$scratch/dashboard-queries.yml"
    echo "$(grep -c '"record"' "$scratch/dashboard-queries.yml") dashboard queries (panels, annotations, variables):"
    promtool check rules "$scratch/dashboard-queries.yml"
}

# The data source the dashboard defaults to is the one provisioned, and the dashboards directory Grafana
# loads is the one docker-compose.yml mounts.
check_grafana_provisioning() {
    python3 - "$GRAFANA_PROVISIONING" "$DASHBOARD" "$COMPOSE" << 'EOF'
import json, pathlib, sys, yaml

provisioning, dashboard_file, compose_file = map(pathlib.Path, sys.argv[1:])
datasources = yaml.safe_load((provisioning / "datasources" / "prometheus.yml").read_text())["datasources"]
providers = yaml.safe_load((provisioning / "dashboards" / "losswatch.yml").read_text())["providers"]
dashboard = json.loads(dashboard_file.read_text())
compose = yaml.safe_load(compose_file.read_text())

errors = []
default_source = next(v for v in dashboard["templating"]["list"] if v["type"] == "datasource")["current"]["value"]
if default_source not in {source["uid"] for source in datasources}:
    errors.append(f"{dashboard_file}: default data source uid '{default_source}' is not provisioned in {provisioning}/datasources")
grafana_mounts = {volume.split(":")[1] for volume in compose["services"]["grafana"]["volumes"]}
for provider in providers:
    if provider["options"]["path"] not in grafana_mounts:
        errors.append(f"{provisioning}/dashboards: provider '{provider['name']}' reads {provider['options']['path']}, "
                      f"which {compose_file} does not mount into grafana (mounts: {sorted(grafana_mounts)})")
print("\n".join(errors) or f"data source uid '{default_source}' provisioned; dashboards path mounted")
sys.exit(1 if errors else 0)
EOF
}

# Every LOSSWATCH_* variable in docker-compose.yml and the Dockerfile, and every key of the stack's
# properties file, must be a setting of the catalogue: losswatch would pass an unknown one to Kafka unread.
check_settings() {
    local keys variables unknown=0 line file number name key
    keys=$(grep -oP '^\s+[A-Z_]+\("\K[a-z0-9.-]+(?=")' "$SETTING_CATALOGUE")
    [[ -n $keys ]] || { echo "found no settings in $SETTING_CATALOGUE"; return 1; }
    variables=$(tr 'a-z.-' 'A-Z__' <<< "$keys" | sed 's/^/LOSSWATCH_/')
    while IFS=: read -r file number name; do
        if ! grep -qxF "$name" <<< "$variables"; then
            echo "$file:$number: $name is not the variable of any setting in $SETTING_CATALOGUE"
            unknown=1
        fi
    done < <(grep -noE 'LOSSWATCH_[A-Z0-9_]+' "$COMPOSE" Dockerfile)
    while IFS= read -r line; do
        number=${line%%:*}
        key=${line#*:}
        key=${key%%[=:]*}
        key=${key//[[:space:]]/}
        if ! grep -qxF "$key" <<< "$keys"; then
            echo "$PROPERTIES:$number: key '$key' is not a setting in $SETTING_CATALOGUE"
            unknown=1
        fi
    done < <(grep -nvE '^[[:space:]]*([#!]|$)' "$PROPERTIES")
    ((unknown == 0)) || return 1
    echo "every LOSSWATCH_* variable in $COMPOSE and Dockerfile and every key in $PROPERTIES is a setting" \
        "($(wc -l <<< "$keys") in the catalogue)"
}

check_queried_metrics_list() {
    if ! diff -u "$QUERIED_METRICS" <(python3 deploy/queried-metrics.py); then
        echo "$QUERIED_METRICS is stale; regenerate it: python3 deploy/queried-metrics.py > $QUERIED_METRICS"
        return 1
    fi
    echo "$QUERIED_METRICS lists the $(grep -vc '^#' "$QUERIED_METRICS") metric names the rules and the dashboard query"
}

summary=()
failures=0

# Runs one check in a subshell with errexit in force (a function called from `if` would run with it
# switched off), shows its output, and records the result.
run_check() {
    local title=$1 status
    shift
    echo
    echo "== $title"
    set +e
    (set -e; "$@")
    status=$?
    set -e
    if ((status == 0)); then
        summary+=("PASS  $title")
    else
        summary+=("FAIL  $title")
        failures=$((failures + 1))
    fi
}

install_missing_tools
echo "== tools"
promtool --version 2>&1 | head -1
docker-compose version --short
python3 --version

run_check "Prometheus config ($PROMETHEUS_CONFIG)" promtool check config "$PROMETHEUS_CONFIG"
run_check "Prometheus rules ($RULES)" promtool check rules "$RULES"
run_check "Prometheus rule unit tests ($RULE_TESTS)" promtool test rules "$RULE_TESTS"
run_check "Grafana dashboard is JSON ($DASHBOARD)" python3 -m json.tool "$DASHBOARD" /dev/null
run_check "Grafana dashboard queries are PromQL" check_dashboard_queries
run_check "Grafana provisioning matches dashboard and compose" check_grafana_provisioning
run_check "Compose file ($COMPOSE)" docker-compose -f "$COMPOSE" config -q
run_check "Settings used by the stack exist ($SETTING_CATALOGUE)" check_settings
run_check "Queried metric names are current ($QUERIED_METRICS)" check_queried_metrics_list

echo
echo "== summary"
printf '%s\n' "${summary[@]}"
if ((failures > 0)); then
    echo "deploy/validate.sh: $failures of ${#summary[@]} checks FAILED"
    exit 1
fi
echo "deploy/validate.sh: all ${#summary[@]} checks passed"
