# analysis/live_ts.gp: the herd of one live event, second by second, from
# the live_ts table (analysis/SCHEMA.md): first tries, requests offered to
# the control plane, joins admitted, and the control plane's queue.
#
#   gnuplot -e "db='results/fight.db'; run=1; event='fight'; out='fight.png'" analysis/live_ts.gp
#
# Run it on two runs of the same scenario (with and without mitigations,
# scenarios/live-fight.json says how) to see the retry storm's waves.
if (!exists("db")) db = 'lastmile.db'
if (!exists("run")) run = 1
if (!exists("event")) event = 'fight'
if (!exists("out")) out = 'live_ts.png'
set terminal png size 1000,600
set output out
q = sprintf("< sqlite3 -separator ' ' %s \"SELECT t_s, arrivals, offered, admitted, queue_peak FROM live_ts WHERE run_id = %d AND event = '%s' ORDER BY t_s\"", db, run, event)
set title sprintf("live event %s, run %d", event, run)
set xlabel "seconds from the run's start"
set ylabel "requests per second (log)"
set y2label "requests queued"
set ytics nomirror
set logscale y
set y2tics
set key top right
plot q using 1:2 with lines title "first tries", \
     q using 1:3 with lines title "offered to the control plane", \
     q using 1:4 with lines title "admitted", \
     q using 1:5 axes x1y2 with lines dashtype 2 title "queue (right)"
