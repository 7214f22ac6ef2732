# analysis/rebuffer.gp: rebuffer ratio over time, all regions and each
# region: stalled time over stalled plus played time of the region's
# sessions in each metrics period (region_ts.stall_s and played_s).
#
# Reads rebuffer.tsv as `lastmile plot DB --out DIR` writes it (hour, all,
# then one column per region, fractions 0..1). By hand, after an edit:
#   cd DIR && gnuplot rebuffer.gp
#   gnuplot -e "dir='DIR'; out='r.png'" analysis/rebuffer.gp
if (!exists("dir")) dir = '.'
if (!exists("out")) out = 'rebuffer.png'
set datafile separator "\t"
set terminal pngcairo noenhanced size 1000,560 font "sans,10"
set output out
set title "Rebuffer ratio over time"
set xlabel "hours from the run's start"
set ylabel "rebuffer ratio (%)"
set yrange [0:*]
set grid
set key top left autotitle columnhead
f = dir.'/rebuffer.tsv'
plot f using 1:(100 * $2) with lines linewidth 2.5 linecolor rgb "black", \
     for [i=3:*] f using 1:(100 * column(i)) with lines linewidth 1.5 title columnhead(i)
