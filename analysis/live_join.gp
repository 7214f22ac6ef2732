# analysis/live_join.gp: each live event's join curve: joins admitted since
# the series began (left) and joins admitted per second (right), from
# live_ts (its rows run from 30 s before the event to 600 s after).
# analysis/live_ts.gp draws one event's retry storm from the database.
#
# Reads live.tsv as `lastmile plot DB --out DIR` writes it: one block per
# event (seconds from the block's first row, joined, admitted, arrivals,
# offered). By hand, after an edit:
#   cd DIR && gnuplot live_join.gp
#   gnuplot -e "dir='DIR'; out='j.png'" analysis/live_join.gp
if (!exists("dir")) dir = '.'
if (!exists("out")) out = 'live_join.png'
set datafile separator "\t"
set terminal pngcairo noenhanced size 1000,560 font "sans,10"
set output out
f = dir.'/live.tsv'
stats f using 1 nooutput
set title "Live events: the join curve"
set xlabel "seconds from the series' start (30 s before the event)"
set ylabel "joins admitted, cumulative"
set y2label "joins admitted per second"
set ytics nomirror
set y2tics
set grid
set key top left
plot for [i=0:STATS_blocks-1] f index i using 1:2 with lines linewidth 2 \
         linecolor i + 1 title columnhead(1), \
     for [i=0:STATS_blocks-1] f index i using 1:3 axes x1y2 with lines dashtype 2 \
         linecolor i + 1 title "per second"
