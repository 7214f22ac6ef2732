# analysis/egress_tiers.gp: egress by delivery tier, stacked: embedded
# OCAs at the bottom, then IX OCAs, origin, fill transfers and the
# third-party CDN (tier_ts.gbps, the mean rate of each metrics period).
#
# Reads tiers.tsv as `lastmile plot DB --out DIR` writes it (hour, then
# embedded, ix, origin, fill, cdn in Gbit/s). By hand, after an edit:
#   cd DIR && gnuplot egress_tiers.gp
#   gnuplot -e "dir='DIR'; out='e.png'" analysis/egress_tiers.gp
if (!exists("dir")) dir = '.'
if (!exists("out")) out = 'egress_tiers.png'
set datafile separator "\t"
set terminal pngcairo noenhanced size 1000,560 font "sans,10"
set output out
set title "Egress by tier, stacked"
set xlabel "hours from the run's start"
set ylabel "Gbit/s (mean per period)"
set grid front
set key top left autotitle columnhead
set style fill solid 0.85 noborder
set yrange [0:*]
f = dir.'/tiers.tsv'
# A missing field counts as 0, so a tier absent from a period stacks flat.
c(k) = valid(k) ? column(k) : 0
array colour[6] = [0, 0x1f77b4, 0x2ca02c, 0xd62728, 0x9467bd, 0xff7f0e]
# Column k (2 embedded .. 6 cdn) is the band from the sum of the columns
# below it to the sum including it; the top band is drawn first.
plot for [i=6:2:-1] f using 1:(sum [k=2:i] c(k)) with filledcurves x1 \
     linecolor rgb colour[i] title columnhead(i)
