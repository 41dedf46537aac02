#!/bin/bash
# Start a single-node SLURM cluster on localhost (Debian slurm-wlm + munge), for testing the
# job-array script of `lidtrack batch --emit-slurm`. Everything lives in $1 (default
# /tmp/lidtrack-slurm): config, state, spool, logs, munge socket. Prints `export SLURM_CONF=…`.
# Stop with: test/batch/slurm-localhost.sh DIR stop
set -euo pipefail
D=${1:-/tmp/lidtrack-slurm}
if [ "${2:-}" = stop ]; then
  for p in slurmd slurmctld munged; do
    [ -f "$D/$p.pid" ] || continue
    pid=$(cat "$D/$p.pid"); kill "$pid" 2>/dev/null || true
    for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
  exit 0
fi
command -v slurmctld >/dev/null || { echo "slurm-wlm not installed: apt-get install -y slurm-wlm munge" >&2; exit 3; }
mkdir -p "$D"/{state,spool,log,munge}
chmod 700 "$D/munge"
H=$(hostname -s)
CPUS=$(nproc)
MEM=$(awk '/MemTotal/ {print int($2/1024) - 512}' /proc/meminfo)
[ -f "$D/munge/munge.key" ] || { dd if=/dev/urandom of="$D/munge/munge.key" bs=1024 count=1 2>/dev/null; chmod 400 "$D/munge/munge.key"; }
munged --key-file="$D/munge/munge.key" --socket="$D/munge/munge.sock" --pid-file="$D/munged.pid" \
  --log-file="$D/log/munged.log" --seed-file="$D/munge/seed" --force
cat > "$D/slurm.conf" <<CONF
ClusterName=lidtrack-test
SlurmctldHost=$H
AuthType=auth/munge
AuthInfo=socket=$D/munge/munge.sock
CredType=cred/munge
SlurmUser=$(id -un)
SlurmdUser=root
SlurmctldPort=16817
SlurmdPort=16818
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool
SlurmctldPidFile=$D/slurmctld.pid
SlurmdPidFile=$D/slurmd.pid
SlurmctldLogFile=$D/log/slurmctld.log
SlurmdLogFile=$D/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
NodeName=$H CPUs=$CPUS RealMemory=$MEM State=UNKNOWN
PartitionName=debug Nodes=$H Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$D/slurm.conf"
slurmctld -f "$D/slurm.conf" 
slurmd -f "$D/slurm.conf"
for i in $(seq 1 30); do
  if sinfo -h -o %T 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then echo "export SLURM_CONF=$D/slurm.conf"; exit 0; fi
  sleep 1
done
echo "SLURM did not come up; see $D/log/*.log" >&2
sinfo >&2 || true
exit 4
