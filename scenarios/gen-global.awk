# scenarios/gen-global.awk: writes scenarios/global.json (issue 9's world).
#
#   awk -f scenarios/gen-global.awk > scenarios/global.json
#
# A world of the Netflix size written out in full, because a scenario has no
# templates: 8 regions across time zones (250 million subscribers), ~1 000
# ISPs, ~18 000 OCAs (~15 000 embedded in ~1 500 clusters, ~3 000 at ~100 IX
# sites), a 50 000-title catalog with per-title ladders, BOLA players and
# popularity fill. No random numbers (awk's rand differs between mawk and
# gawk): ISP sizes follow Zipf within a region, everything else is a formula
# of the index, so the file is the same on every machine. Sizing, all
# planning figures (not measured): a subscriber at the peak pulls ~5 Mbps on
# average (per-title ladders, BOLA); an embedded cluster is sized for its
# ISP's peak at ~60% utilisation of 25 Gbps appliances; peering carries
# ~40% of an ISP's peak and transit ~15% (what the embedded tier misses);
# an IX appliance is a 100 Gbps / 360 TB box. Prints the totals on stderr.
function zipf_norm(n, a,   i, s) { s = 0; for (i = 1; i <= n; i++) s += i ^ -a; return s }
function gbps(x) { return sprintf("\"%dGbps\"", x < 1 ? 1 : int(x + 0.5)) }
BEGIN {
    # id, UTC offset, subscribers (millions), access median (Mbps), IX sites
    nr = split("us-east us-west latam eu-west eu-east india apac oceania", rid, " ")
    split("-05:00 -08:00 -03:00 +01:00 +03:00 +05:30 +08:00 +10:00", off, " ")
    split("80 30 45 45 15 10 15 10", subs, " ")
    split("60 60 25 50 35 12 40 45", med, " ")
    split("28 10 16 18 6 6 8 8", nix, " ")
    total_isps = 1000; peak_frac = 0.18; mbps_per_session = 5
    emb_egress = 25; emb_util = 0.6; ix_ocas_total = 3000
    printf "{\n  \"name\": \"global\",\n"
    printf "  \"start\": \"2026-11-21T02:00:00Z\",\n  \"duration\": \"1h\",\n  \"seed\": 1,\n  \"sample\": 0.001,\n"
    printf "  \"regions\": [\n"
    tsubs = 0
    for (r = 1; r <= nr; r++) {
        tsubs += subs[r]
        printf "    {\"id\": \"%s\", \"utc_offset\": \"%s\", \"subscribers\": %d}%s\n", rid[r], off[r], subs[r] * 1000000, r < nr ? "," : ""
    }
    printf "  ],\n  \"isps\": [\n"
    nisp = 0; nemb = 0; nembsite = 0; nixocas = 0; nixsite = 0
    for (r = 1; r <= nr; r++) {
        n = int(total_isps * subs[r] / tsubs + 0.5)
        z = zipf_norm(n, 0.9)
        for (i = 1; i <= n; i++) {
            nisp++
            # shares rounded down to 1e-7 so a region's sum stays below 1
            share = int(0.999 * i ^ -0.9 / z * 1e7) / 1e7
            peak = subs[r] * 1e6 * share * peak_frac * mbps_per_session / 1000   # Gbps
            id = sprintf("%s-%d", rid[r], i)
            m = med[r] * (0.6 + 0.8 * ((i * 37) % 11) / 10)
            sig = 0.6 + 0.1 * (i % 4)
            ix1 = ((i - 1) % nix[r]) + 1; ix2 = (i % nix[r]) + 1
            printf "    {\"id\": \"%s\", \"region\": \"%s\", \"share\": %.7f, \"access\": {\"model\": \"lognormal\", \"median\": \"%dMbps\", \"sigma\": %.1f}, ", id, rid[r], share, int(m + 0.5), sig
            if (peak > 200 && nix[r] > 1)
                printf "\"peering\": [{\"ix\": \"%s-ix-%d\", \"capacity\": %s}, {\"ix\": \"%s-ix-%d\", \"capacity\": %s}], ", rid[r], ix1, gbps(peak * 0.25), rid[r], ix2, gbps(peak * 0.15)
            else
                printf "\"peering\": [{\"ix\": \"%s-ix-%d\", \"capacity\": %s}], ", rid[r], ix1, gbps(peak * 0.4)
            printf "\"transit\": %s}%s\n", gbps(peak * 0.15 + 1), (r == nr && i == n) ? "" : ","
            isp_region[nisp] = r; isp_id[nisp] = id; isp_peak[nisp] = peak
        }
    }
    printf "  ],\n  \"sites\": [\n"
    first = 1
    for (k = 1; k <= nisp; k++) {
        count = int(isp_peak[k] / (emb_egress * emb_util) + 0.999)
        if (count < 1) count = 1
        nclusters = int((count + 24) / 25); if (nclusters > 6) nclusters = 6
        for (c = 1; c <= nclusters; c++) {
            cc = int(count / nclusters) + (c <= count % nclusters ? 1 : 0)
            printf "%s    {\"id\": \"%s-%d\", \"kind\": \"embedded\", \"isp\": \"%s\", \"ocas\": {\"count\": %d, \"storage\": \"100TB\", \"egress\": \"%dGbps\"}}", first ? "" : ",\n", isp_id[k], c, isp_id[k], cc, emb_egress
            first = 0; nemb += cc; nembsite++
        }
    }
    for (r = 1; r <= nr; r++) {
        per = int(ix_ocas_total * subs[r] / tsubs / nix[r] + 0.5); if (per < 2) per = 2
        for (x = 1; x <= nix[r]; x++) {
            printf ",\n    {\"id\": \"%s-ix-%d\", \"kind\": \"ix\", \"region\": \"%s\", \"ocas\": {\"count\": %d, \"storage\": \"360TB\", \"egress\": \"100Gbps\"}}", rid[r], x, rid[r], per
            nixocas += per; nixsite++
        }
    }
    printf "\n  ],\n"
    printf "  \"origin\": {\"egress\": \"60Tbps\"},\n"
    printf "  \"catalog\": {\"titles\": 50000, \"popularity\": {\"model\": \"zipf\", \"alpha\": 0.9}},\n"
    printf "  \"encoding\": {\"ladder\": \"per-title\"},\n"
    printf "  \"player\": {\"segment\": \"4s\", \"buffer\": \"60s\", \"startup\": \"4s\", \"abr\": \"bola\"},\n"
    printf "  \"placement\": {\"policy\": \"popularity\", \"forecast\": \"catalog\"},\n"
    printf "  \"metrics\": {\"period\": \"5m\"},\n"
    # last, because it quotes the counts
    printf "  \"description\": \"A Netflix-sized world (issue 9): 250 million subscribers in 8 regions across time zones, %d ISPs, %d OCAs (%d embedded in %d clusters, %d at %d IX sites), a 50 000-title catalog with per-title ladders, BOLA players, nightly popularity fill. By default the busiest region's (us-east, 80 million subscribers) evening peak hour, 21:00-22:00 local; the other regions run at their own local hour (follow the sun; --set start=2026-11-20T12:00:00Z --set duration=24h for a whole day). Generated by scenarios/gen-global.awk. Sample 0.001 runs in seconds; make bench runs 0.06 (15 million subscribers).\"\n}\n", nisp, nemb + nixocas, nemb, nembsite, nixocas, nixsite
    printf "%d ISPs, %d embedded OCAs in %d clusters, %d IX OCAs at %d IX sites, %d OCAs\n", nisp, nemb, nembsite, nixocas, nixsite, nemb + nixocas > "/dev/stderr"
}
