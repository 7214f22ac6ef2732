# analysis/startup_cdf.gp: the distribution of startup delay (arrival to
# first frame) over the run's cold sessions, as a CDF (sessions.startup_s).
#
# Reads startup.tsv as `lastmile plot DB --out DIR` writes it (startup_s,
# fraction of sessions at or below it; about 2000 points). By hand:
#   cd DIR && gnuplot startup_cdf.gp
#   gnuplot -e "dir='DIR'; out='s.png'" analysis/startup_cdf.gp
if (!exists("dir")) dir = '.'
if (!exists("out")) out = 'startup_cdf.png'
set datafile separator "\t"
set terminal pngcairo noenhanced size 1000,560 font "sans,10"
set output out
f = dir.'/startup.tsv'
stats f using 1 name "S" nooutput
set title "Startup delay of cold sessions, CDF"
set xlabel "startup delay (s)"
set ylabel "fraction of sessions"
set yrange [0:1]
set grid
# Log time when every delay is positive: the tail matters most.
if (S_min > 0) set logscale x
set key bottom right
plot f using 1:2 with lines linewidth 2 title "cold sessions", \
     0.5 with lines dashtype 2 linecolor rgb "gray" title "median", \
     0.95 with lines dashtype 3 linecolor rgb "gray" title "95th percentile"
