#!/bin/bash
# dist_k8s.sh - scripts/k8s/'s manifests parse, agree with each other (Indexed, completions = SHARDS, one TRACE, the RWX claim of pvc.yaml), and their two commands, run by /bin/sh as the pods would, build the .hdb files of `build --shards N`.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
require_built
K8S=$ROOT/scripts/k8s
"$PY" -c 'import yaml' 2>/dev/null || fail "python3-yaml is not installed (sh scripts/install-deps.sh)"

# check.py K8S_DIR OUT: check the manifests; write each Job's container
# command to OUT/<job>.sh.
cat >"$T/check.py" <<'PYEOF'
import sys, yaml
k8s, out = sys.argv[1], sys.argv[2]

def load(name):
    docs = [d for d in yaml.safe_load_all(open("%s/%s" % (k8s, name))) if d]
    assert len(docs) == 1, "%s: %d documents" % (name, len(docs))
    return docs[0]

pvc = load("pvc.yaml")
assert pvc["kind"] == "PersistentVolumeClaim", "pvc.yaml is a %s" % pvc["kind"]
assert pvc["spec"]["accessModes"] == ["ReadWriteMany"], "pvc.yaml is not ReadWriteMany"
claim = pvc["metadata"]["name"]
env = {}
for name in ("build-shards.yaml", "merge.yaml"):
    job = load(name)
    assert job["apiVersion"] == "batch/v1" and job["kind"] == "Job", name + ": not a batch/v1 Job"
    pod = job["spec"]["template"]["spec"]
    assert pod["restartPolicy"] in ("Never", "OnFailure"), name + ": restartPolicy"
    (c,) = pod["containers"]
    e = {v["name"]: v["value"] for v in c["env"]}
    env[name] = e
    vols = {v["name"]: v for v in pod["volumes"]}
    for m in c["volumeMounts"]:
        assert vols[m["name"]]["persistentVolumeClaim"]["claimName"] == claim, \
            name + ": mounts another claim than pvc.yaml's"
        mount = m["mountPath"]
    assert e["TRACE"].startswith(mount + "/"), name + ": TRACE is not on the volume"
    assert c["command"] == ["/bin/sh", "-c"] and len(c["args"]) == 1, name + ": command"
    open("%s/%s.sh" % (out, name[:-5]), "w").write(c["args"][0])
    if name == "build-shards.yaml":
        s = job["spec"]
        assert s["completionMode"] == "Indexed", "build-shards.yaml is not Indexed"
        assert s["completions"] == int(e["SHARDS"]), "completions %s != SHARDS %s" % (
            s["completions"], e["SHARDS"])
        assert "JOB_COMPLETION_INDEX" in c["args"][0], "the shard command ignores its index"
for k in ("TRACE", "SHARDS"):
    a, b = env["build-shards.yaml"][k], env["merge.yaml"][k]
    assert a == b, "%s differs: %s in build-shards.yaml, %s in merge.yaml" % (k, a, b)
print("ok")
PYEOF
"$PY" "$T/check.py" "$K8S" "$T" >"$T/check.out" 2>&1 || fail "manifests: $(tail -n 1 "$T/check.out")"
# the check refuses manifests that disagree
cp -r "$K8S" "$T/bad"
sed -i 's/^  completions: 16 /  completions: 8 /' "$T/bad/build-shards.yaml"
cmp -s "$K8S/build-shards.yaml" "$T/bad/build-shards.yaml" && fail "the sed changed nothing"
mkdir "$T/badout"
"$PY" "$T/check.py" "$T/bad" "$T/badout" >"$T/bad.out" 2>&1 && fail "a Job of 8 completions and SHARDS 16 passed the check"
grep -q "completions 8 != SHARDS 16" "$T/bad.out" || fail "the check said: $(tail -n 1 "$T/bad.out")"

# the commands, as the pods run them (hindsight on PATH, the rest in the
# environment), on a small recording in 3 shards
N=3
record_gzip "$T/gz" 100000
for ((k = 0; k < N; k++)); do
	env PATH="$ROOT/build/bin:$PATH" JOB_COMPLETION_INDEX=$k SHARDS=$N TRACE="$T/gz" \
		/bin/sh -c "$(cat "$T/build-shards.sh")" >"$T/shard.$k.out" 2>&1 ||
		fail "the shard command, index $k, exited $?: $(grep -v '^builder:' "$T/shard.$k.out" | head -n 2 | tr '\n' ' ')"
done
[ ! -e "$T/gz/db" ] || fail "a shard command made TRACE/db"
env PATH="$ROOT/build/bin:$PATH" SHARDS=$N TRACE="$T/gz" THREADS=2 \
	/bin/sh -c "$(cat "$T/merge.sh")" >"$T/merge.out" 2>&1 ||
	fail "the merge command exited $?: $(grep -v '^builder:' "$T/merge.out" | head -n 2 | tr '\n' ' ')"
grep -q "^shards: $N\$" "$T/merge.out" || fail "the merge's summary does not say shards: $N"
[ ! -e "$T/gz/.db.shards" ] || fail "the merge command left TRACE/.db.shards"
verify_ok "$T/gz"
db_hashes "$T/gz" >"$T/k8s.hashes"
build_ok "$T/gz" --shards "$N"
db_hashes "$T/gz" >"$T/threaded.hashes"
cmp -s "$T/threaded.hashes" "$T/k8s.hashes" ||
	fail "the k8s commands give other .hdb files than --shards $N: $(diff "$T/threaded.hashes" "$T/k8s.hashes" | head -n 3 | tr '\n' ' ')"
pass "manifests agree; $(wc -l <"$T/k8s.hashes") .hdb files of the Indexed Job's commands equal --shards $N"
