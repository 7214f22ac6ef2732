# analysis/oca_heatmap.gp: utilization of every OCA over time as a heatmap
# (oca_ts.utilization: mean egress over the period / egress capacity).
#
# Reads oca_util.tsv as `lastmile plot DB --out DIR` writes it (hour,
# oca id, utilization 0..1, name SITE/INDEX). By hand, after an edit:
#   cd DIR && gnuplot oca_heatmap.gp
#   gnuplot -e "dir='DIR'; out='h.png'" analysis/oca_heatmap.gp
if (!exists("dir")) dir = '.'
if (!exists("out")) out = 'oca_heatmap.png'
set datafile separator "\t"
set terminal pngcairo noenhanced size 1000,560 font "sans,10"
set output out
f = dir.'/oca_util.tsv'
stats f using 2 name "O" nooutput
stats f using 1 name "T" nooutput
nocas = int(O_max - O_min + 1)
periods = int(T_records / nocas)
# Each cell spans one metrics period (the rows give each period's start).
dx = periods > 1 ? (T_max - T_min) / (periods - 1) : 1.0 / 60
set title "OCA utilization over time"
set xlabel "hours from the run's start"
set ylabel "OCA"
set cblabel "utilization (mean egress / capacity)"
# Scaled to the busiest cell, so light load still shows; the colour bar
# gives the scale (1 is full capacity).
set cbrange [0:*]
set autoscale cbfix
set palette defined (0 "white", 0.5 "orange", 0.8 "red", 1 "black")
set xrange [T_min:T_max + dx]
set yrange [O_min - 0.5:O_max + 0.5]
set style fill solid noborder
unset key
if (nocas <= 40) {
    plot f using ($1 + dx / 2):2:(dx / 2):(0.5):3:ytic(4) with boxxyerror fillcolor palette
} else {
    set ylabel "OCA (ocas.id)"
    plot f using ($1 + dx / 2):2:(dx / 2):(0.5):3 with boxxyerror fillcolor palette
}
