#!/usr/bin/env python3
# Dev helper: compare a run's tracks.csv with a fixture's truth (usage: compare_truth.py NAME; run in /tmp/runs/NAME).
import csv,sys,math,collections
name=sys.argv[1]
truth=collections.defaultdict(dict)
for r in csv.DictReader(open(f'fixtures/{name}/truth_tracks.csv')):
    truth[int(r['track_id'])][int(r['frame'])]=(float(r['tip_x_px']),float(r['tip_y_px']),float(r['length_um']))
mine=collections.defaultdict(dict)
for r in csv.DictReader(open(f'/tmp/runs/{name}/tracks.csv')):
    mine[int(r['track_id'])][int(r['frame'])]=(float(r['tip_x_px']),float(r['tip_y_px']),float(r['length_um']))
for mid,m in mine.items():
    # match by mean distance
    best=None
    for tid,t in truth.items():
        common=[f for f in m if f in t]
        if not common: continue
        d=sum(math.hypot(m[f][0]-t[f][0],m[f][1]-t[f][1]) for f in common)/len(common)
        if best is None or d<best[0]: best=(d,tid)
    tid=best[1]; t=truth[tid]
    common=sorted(f for f in m if f in t)
    errs=[(m[f][0]-t[f][0],m[f][1]-t[f][1]) for f in common]
    rmse=math.sqrt(sum(a*a+b*b for a,b in errs)/len(errs))
    print(f'mine {mid} -> truth {tid}: n={len(common)}/{len(t)} rmse={rmse:.3f}px', ' '.join(f'{f}:{a:+.2f},{b:+.2f}' for f,(a,b) in list(zip(common,errs))[::8]))
    big=[(f,e) for f,e in zip(common,errs) if math.hypot(*e)>1.0]
    print('  big:', ' '.join(f'{f}:{a:+.2f},{b:+.2f}' for f,(a,b) in big))
