# analysis/concurrency.gp: concurrent sessions over time, all regions and
# each region (region_ts.concurrent, a time-average per metrics period).
#
# Reads concurrency.tsv as `lastmile plot DB --out DIR` writes it (hour,
# all, then one column per region). By hand, after an edit:
#   cd DIR && gnuplot concurrency.gp
#   gnuplot -e "dir='DIR'; out='c.png'" analysis/concurrency.gp
if (!exists("dir")) dir = '.'
if (!exists("out")) out = 'concurrency.png'
set datafile separator "\t"
set terminal pngcairo noenhanced size 1000,560 font "sans,10"
set output out
set title "Concurrent sessions by region"
set xlabel "hours from the run's start"
set ylabel "sessions (time-average per period)"
set grid
set key top left autotitle columnhead
f = dir.'/concurrency.tsv'
plot f using 1:2 with lines linewidth 2.5 linecolor rgb "black", \
     for [i=3:*] f using 1:i with lines linewidth 1.5
