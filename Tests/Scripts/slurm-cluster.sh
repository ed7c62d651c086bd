#!/bin/bash
# A single-node Slurm for the tests (`make test`): `slurm-cluster.sh start DIR` starts munged, slurmctld and
# slurmd in the foreground of background processes, everything under DIR (configuration, state, logs), and
# writes DIR/ready (the slurm.conf path) or DIR/skip-reason (why not: not root, no apt-get, install or start
# failed). `slurm-cluster.sh stop DIR` stops exactly the processes it started (DIR/pids), never by name.
# Configuration and pitfalls: ../shared/SLURM-NOTES.md.
set -u
cmd=${1:?start or stop}
dir=${2:?folder}
mkdir -p "$dir"

skip() { echo "$1" > "$dir/skip-reason"; echo "slurm-cluster: tests on Slurm will be skipped: $1" >&2; exit 0; }

stop() {
  [ -f "$dir/pids" ] || return 0
  while read -r pid; do kill "$pid" 2>/dev/null; done < "$dir/pids"
  for _ in $(seq 50); do
    alive=0
    while read -r pid; do kill -0 "$pid" 2>/dev/null && alive=1; done < "$dir/pids"
    [ $alive -eq 0 ] && break
    sleep 0.1
  done
  while read -r pid; do kill -9 "$pid" 2>/dev/null; done < "$dir/pids"
  rm -f "$dir/pids"
}

if [ "$cmd" = stop ]; then stop; exit 0; fi

[ "$(id -u)" -eq 0 ] || skip "not root: a local Slurm (munged, slurmctld, slurmd as root) cannot be started"
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null || ! command -v sbatch >/dev/null; then
  command -v apt-get >/dev/null || skip "slurm-wlm and munge are not installed and there is no apt-get to install them"
  echo "slurm-cluster: installing slurm-wlm munge" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q slurm-wlm munge > "$dir/apt.log" 2>&1 \
    || { apt-get update -q >> "$dir/apt.log" 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q slurm-wlm munge >> "$dir/apt.log" 2>&1; } \
    || skip "apt-get install slurm-wlm munge failed (see $dir/apt.log)"
fi
host=$(hostname)
mkdir -p "$dir/state" "$dir/spool"
cat > "$dir/slurm.conf" <<CONF
ClusterName=ebsdtest
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
SlurmctldPort=6817
SlurmdPort=6818
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
: > "$dir/pids"
if ! (munge -n | unmunge) >/dev/null 2>&1; then
  mkdir -p /run/munge && chown munge:munge /run/munge
  runuser -u munge -- /usr/sbin/munged -F > "$dir/munged.log" 2>&1 &
  echo $! >> "$dir/pids"
  for _ in $(seq 50); do (munge -n | unmunge) >/dev/null 2>&1 && break; sleep 0.1; done
  (munge -n | unmunge) >/dev/null 2>&1 || { stop; skip "munged did not start (see $dir/munged.log)"; }
fi
export SLURM_CONF="$dir/slurm.conf"
slurmctld -D -i > "$dir/slurmctld.out" 2>&1 &
echo $! >> "$dir/pids"
slurmd -D > "$dir/slurmd.out" 2>&1 &
echo $! >> "$dir/pids"
for _ in $(seq 150); do
  sinfo -h -o "%t" 2>/dev/null | grep -qw idle && break
  sleep 0.2
done
if ! sinfo -h -o "%t" 2>/dev/null | grep -qw idle; then
  tail -5 "$dir/slurmctld.log" "$dir/slurmd.log" >&2 2>/dev/null
  stop
  skip "slurmctld/slurmd did not come up within 30 s (see $dir/slurmctld.log, $dir/slurmd.log)"
fi
echo "$dir/slurm.conf" > "$dir/ready"
echo "slurm-cluster: single-node Slurm up ($SLURM_CONF)" >&2
