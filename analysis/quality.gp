# analysis/quality.gp: how sessions were served: the distribution of their
# mean bitrate and of their mean quality (sessions.bitrate_mean_kbps and
# vmaf_mean, each weighted by the media it fetched).
#
# Reads bitrate_hist.tsv (kbps bin centre, sessions) and vmaf_hist.tsv
# (VMAF-like bin centre, sessions) as `lastmile plot DB --out DIR` writes
# them. By hand, after an edit:
#   cd DIR && gnuplot quality.gp
#   gnuplot -e "dir='DIR'; out='q.png'" analysis/quality.gp
if (!exists("dir")) dir = '.'
if (!exists("out")) out = 'quality.png'
set datafile separator "\t"
set terminal pngcairo noenhanced size 1000,560 font "sans,10"
set output out
set style fill solid 0.8 noborder
set grid ytics
unset key
set multiplot layout 1,2 title "Bitrate and quality of sessions"
set xlabel "mean bitrate (kbit/s, 250 kbit/s bins)"
set ylabel "sessions"
set boxwidth 250 * 0.9
plot dir.'/bitrate_hist.tsv' using 1:2 with boxes linecolor rgb "#1f77b4"
set xlabel "mean quality (VMAF-like, bins of 2)"
set boxwidth 2 * 0.9
set xrange [*:100]
plot dir.'/vmaf_hist.tsv' using 1:2 with boxes linecolor rgb "#2ca02c"
unset multiplot
