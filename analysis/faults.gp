# analysis/faults.gp: fault markers on the time axis over egress by tier:
# red a fault begins, green it ends, grey what the control plane saw
# (reported down or up, drains, errors); the markers table.
#
# Reads tiers.tsv and markers.tsv (hour, kind, target, fault) as
# `lastmile plot DB --out DIR` writes them. By hand, after an edit:
#   cd DIR && gnuplot faults.gp
#   gnuplot -e "dir='DIR'; out='f.png'" analysis/faults.gp
if (!exists("dir")) dir = '.'
if (!exists("out")) out = 'faults.png'
set datafile separator "\t"
set terminal pngcairo noenhanced size 1000,560 font "sans,10"
set output out
set title "Faults: markers over egress by tier"
set xlabel "hours from the run's start"
set ylabel "Gbit/s (mean per period)"
set yrange [0:*]
set y2range [0:1]
unset y2tics
set grid
set key top left autotitle columnhead
t = dir.'/tiers.tsv'
m = dir.'/markers.tsv'
colour(kind) = kind eq 'fault_start' ? 0xd62728 : kind eq 'fault_end' ? 0x2ca02c : 0xaaaaaa
edge(kind) = kind eq 'fault_start' || kind eq 'fault_end'
plot for [i=2:6] t using 1:i with lines linewidth 1.5, \
     m using 1:(1):(colour(strcol(2))) axes x1y2 with impulses linecolor rgb variable notitle, \
     m using 1:(0.98):(edge(strcol(2)) ? strcol(2).' '.strcol(3) : '') axes x1y2 \
         with labels rotate by 90 right offset 0.8,0 font ",8" notitle
