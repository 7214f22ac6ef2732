# analysis/ladders.gp: the ladders of three titles (least, median and most
# complex of the catalog), per codec: each rung's bitrate against its
# quality (rungs table). With encoding.ladder = "per-title" the rungs lie
# on each title's convex hull; `lastmile ladder` shows one hull in full.
#
# Reads ladders.tsv as `lastmile plot DB --out DIR` writes it: one block
# per title and codec, its header naming it. By hand, after an edit:
#   cd DIR && gnuplot ladders.gp
#   gnuplot -e "dir='DIR'; out='l.png'" analysis/ladders.gp
if (!exists("dir")) dir = '.'
if (!exists("out")) out = 'ladders.png'
set datafile separator "\t"
set terminal pngcairo noenhanced size 1000,560 font "sans,10"
set output out
f = dir.'/ladders.tsv'
stats f using 1 nooutput
set title "Ladders: rung bitrate against quality"
set xlabel "bitrate (kbit/s, log)"
set ylabel "quality (VMAF-like)"
set logscale x
set grid
set key bottom right
# Nine series (three titles x three codecs): a ninth colour of its own.
set linetype 9 linecolor rgb "#8c564b"
plot for [i=0:STATS_blocks-1] f index i using 1:2 with linespoints pointtype 7 \
     pointsize 0.6 title columnhead(1)
