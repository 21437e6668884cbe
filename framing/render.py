"""Rendering a per-source :class:`~framing.report.Report`: table, markdown, CSV and HTML.

The HTML report is one self-contained file: inline CSS and SVG charts, no script, no font, no
network request, so it opens the same on an air-gapped laptop and can be mailed as is.

Every format says how many articles were left out of the scores and why (see
:data:`framing.article.EXCLUSIONS`): the table and markdown in a "left out" column when any
were, the CSV in fixed count columns, the HTML in a note per source and a legend.

Where a techniques or frames model read a source's articles, the table, markdown and HTML add
its "Persuasion techniques" and "Frames" profiles (share of the articles read, the strongest
example with its line); without them every output is as it was. The CSV stays one summary row
per source.
"""

from __future__ import annotations

import csv
import html
import io

from framing.article import EXCLUSIONS
from framing.markers import FAMILIES
from framing.report import BAND_TARGET, Report, SourceReport
from framing.text import clip, plural

_FAMILY_COLOURS = {
    "narrative": "#c0392b", "loaded": "#e67e22", "syndication": "#8e44ad",
    "ai": "#2980b9", "hygiene": "#16a085", "structure": "#7f8c8d",
}
_BAND_COLOURS = {"reliable": "#1e8449", "mixed": "#b7950b", "unreliable": "#a93226",
                 "insufficient evidence": "#7f8c8d"}


def _score_cell(source: SourceReport, target: str) -> str:
    s = source.scores.get(target)
    return "-" if s is None else f"{s.mean:.2f} [{s.low:.2f}-{s.high:.2f}]"


def _links_text(source: SourceReport) -> str:
    parts = []
    for link in source.links:
        if link["source"] == source.source:
            parts.append(f"republishes {link['origin']} ({plural(link['passages'], 'passage')})")
        else:
            parts.append(f"republished by {link['source']} "
                         f"({plural(link['passages'], 'passage')})")
    return "; ".join(parts)


def _shared_bodies_text(source: SourceReport) -> str:
    """``3 articles share one body; 2 articles share one body`` ('' if none)."""
    return "; ".join(f"{g['articles']} articles share one body" for g in source.shared_bodies)


def _left_out_text(source: SourceReport, targets: list[str]) -> str:
    """``not_english 2; pro_kremlin_framing: off_topic 3, low_confidence 1`` ('' if none)."""
    parts = []
    if source.not_scored:
        parts.append(", ".join(f"{r} {n}" for r, n in source.not_scored.items()))
    for target in targets:
        reasons = source.excluded.get(target)
        if reasons:
            parts.append(f"{target}: " + ", ".join(f"{r} {n}" for r, n in reasons.items()))
    return "; ".join(parts)


def _any_left_out(report: Report) -> bool:
    return any(_left_out_text(s, report.targets) for s in report.sources)


def _reasons_in(report: Report) -> list[str]:
    """The exclusion reasons that occur in the report, in :data:`EXCLUSIONS` order."""
    seen = set(report.not_scored)
    for reasons in report.excluded.values():
        seen.update(reasons)
    return [r for r in EXCLUSIONS if r in seen] + sorted(seen - set(EXCLUSIONS))


def _legend_lines(report: Report) -> list[str]:
    """One line per reason that occurs: what it means and how many articles it left out."""
    lines = []
    for reason in _reasons_in(report):
        if reason in report.not_scored:
            count = f"{plural(report.not_scored[reason], 'article')} not scored"
        else:
            count = ", ".join(f"{t} {r[reason]}" for t, r in report.excluded.items()
                              if r.get(reason))
        lines.append(f"{reason}: {EXCLUSIONS.get(reason, 'left out')} ({count})")
    return lines


def _unscored_note(report: Report) -> str:
    """`` (2 without a score)`` when some articles had none, else ''."""
    unscored = sum(report.not_scored.values())
    return f" ({unscored} without a score)" if unscored else ""


#: Techniques and frames shown per source in the table and markdown (the JSON has them all).
PROFILE_SHOWN = 8


def _technique_descriptions() -> dict[str, str]:
    """{technique label: description} from :func:`framing.labels.technique_taxonomy`."""
    # Imported here: only a report showing techniques needs the taxonomy.
    from framing.labels import technique_taxonomy as load_taxonomy

    return {t.label: t.description for t in load_taxonomy()}


def _frame_descriptions() -> dict[str, str]:
    """{frame label: description} from :func:`framing.labels.frame_taxonomy`."""
    from framing.labels import frame_taxonomy as load_taxonomy

    return {f.label: f.description for f in load_taxonomy()}


def _example_text(example: dict) -> str:
    """``line 4 of Title: "the sentence"`` (the title clipped; the sentence left out where
    the model pointed to none)."""
    where = f"line {example['line']} of {clip(example['title'] or example['id'], 60)}"
    return f'{where}: "{example["text"]}"' if example.get("text") else where


def _read_note(count: int, kind: str) -> str:
    return f"share of the {plural(count, 'article')} the {kind} model read"


def _profiles_lines(source: SourceReport) -> list[str]:
    """The technique and frame profiles of one source as indented text lines ([] if none)."""
    lines = []
    if source.techniques_read:
        lines.append(f"{source.source}: persuasion techniques "
                     f"({_read_note(source.techniques_read, 'techniques')})")
        for t in source.techniques[:PROFILE_SHOWN]:
            example = f"; e.g. {_example_text(t['examples'][0])}" if t["examples"] else ""
            lines.append(f"  {t['id'] or '-'} {t['technique']}: "
                         f"{plural(t['articles'], 'article')} ({t['share']:.0%}){example}")
        if not source.techniques:
            lines.append("  none found")
    if source.frames_read:
        asserted = [f for f in source.frames if f["articles"]]
        lines.append(f"{source.source}: frames ({_read_note(source.frames_read, 'frames')})")
        lines.extend(f"  {f['frame']}: {plural(f['articles'], 'article')} ({f['share']:.0%})"
                     for f in asserted[:PROFILE_SHOWN])
        if not asserted:
            lines.append("  none asserted")
    return lines


def _top_markers_text(source: SourceReport, most: int = 3) -> str:
    return ", ".join(f"{m['marker_id']} x{m['articles']}" for m in source.top_markers[:most])


def render_table(report: Report) -> str:
    """A plain-text table, one source a row, widest columns last."""
    left_out = _any_left_out(report)
    header = ["source", "n", "band", *report.targets, "AI", "homoglyph", "known",
              *(["left out"] if left_out else []), "top markers"]
    rows = []
    for s in report.sources:
        known = (s.known_rating or "-") + (" (!)" if s.disagreement else "")
        rows.append([s.source, str(s.articles), s.band,
                     *[_score_cell(s, t) for t in report.targets],
                     f"{s.share_ai:.0%}", f"{s.share_homoglyph:.0%}", known,
                     *([_left_out_text(s, report.targets) or "-"] if left_out else []),
                     _top_markers_text(s)])
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
             for r in [header, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    for s in report.sources:
        text = "; ".join(t for t in (_links_text(s), _shared_bodies_text(s)) if t)
        if text:
            lines.append(f"{s.source}: {text}")
    for s in report.sources:
        lines.extend(_profiles_lines(s))
    lines.append(f"\n{plural(report.articles, 'article')} from "
                 f"{plural(len(report.sources), 'source')}, {_order_note()}; "
                 f"(!) = the model's band disagrees with the known rating")
    legend = _legend_lines(report)
    if legend:
        lines.append("left out of the scores, intervals and bands:")
        lines.extend(f"  {line}" for line in legend)
    return "\n".join(lines) + "\n"


def render_markdown(report: Report) -> str:
    """A GitHub-flavoured markdown report: summary table, then one section per source."""
    out = io.StringIO()
    out.write(f"# Source report\n\n{plural(report.articles, 'article')}"
              f"{_unscored_note(report)}, {plural(len(report.sources), 'source')}, "
              f"generated {report.generated}; {_order_note()}.\n\n")
    left_out = _any_left_out(report)
    out.write("| source | articles | band | " + " | ".join(report.targets)
              + " | AI | homoglyph | known rating |" + (" left out |" if left_out else "")
              + "\n")
    out.write("|---|---|---|" + "---|" * len(report.targets) + "---|---|---|"
              + ("---|" if left_out else "") + "\n")
    for s in report.sources:
        known = (s.known_rating or "-") + (" **disagrees**" if s.disagreement else "")
        out.write(f"| {_md(s.source)} | {s.articles} | {s.band} | "
                  + " | ".join(_score_cell(s, t) for t in report.targets)
                  + f" | {s.share_ai:.0%} | {s.share_homoglyph:.0%} | {known} |"
                  + (f" {_md(_left_out_text(s, report.targets) or '-')} |" if left_out else "")
                  + "\n")
    legend = _legend_lines(report)
    if legend:
        out.write("\nLeft out of the scores, intervals and bands:\n\n"
                  + "".join(f"- {_md(line)}\n" for line in legend))
    for s in report.sources:
        out.write(f"\n## {_md(s.source)}\n\n{s.band}: {s.band_reason}.\n")
        text = _left_out_text(s, report.targets)
        if text:
            out.write(f"\nLeft out: {_md(text)}.\n")
        if s.shared_bodies:
            out.write(f"\n{_shared_bodies_text(s)} (likely a scrape failure).\n")
        if s.narratives:
            out.write("\nNarratives asserted:\n\n")
            for entry in s.narratives:
                out.write(f"- {_md(entry['narrative'])}: {plural(entry['articles'], 'article')} "
                          f"({entry['share']:.0%})\n")
        out.write(_profiles_markdown(s))
        if s.top_markers:
            out.write("\nTop markers:\n\n")
            for m in s.top_markers:
                name = report.markers.get(m["marker_id"], {}).get("description", "")
                out.write(f"- `{m['marker_id']}` ({m['family']}{', ' + _md(name) if name else ''}) "
                          f"in {plural(m['articles'], 'article')}, "
                          f"e.g. \"{_md(m['example'])}\"\n")
        links = _links_text(s)
        if links:
            out.write(f"\nShared text: {links}.\n")
            for link in s.links:
                for example in link["examples"][:1]:
                    out.write(f"\n> {_md(clip(example['text_a'], 300))}\n")
    return out.getvalue()


def _profiles_markdown(source: SourceReport) -> str:
    """The "Persuasion techniques" and "Frames" tables of one source ('' when not read)."""
    out = []
    if source.techniques_read:
        out.append(f"\n### Persuasion techniques\n\n"
                   f"{_read_note(source.techniques_read, 'techniques').capitalize()}.\n\n")
        if source.techniques:
            out.append("| technique | id | articles | share | strongest example |\n"
                       "|---|---|---|---|---|\n")
            for t in source.techniques[:PROFILE_SHOWN]:
                example = _example_text(t["examples"][0]) if t["examples"] else "-"
                out.append(f"| {_md(t['technique'])} | {_md(t['id'] or '-')} | {t['articles']} "
                           f"| {t['share']:.0%} | {_md(example)} |\n")
        else:
            out.append("None found.\n")
    if source.frames_read:
        asserted = [f for f in source.frames if f["articles"]]
        out.append(f"\n### Frames\n\n"
                   f"{_read_note(source.frames_read, 'frames').capitalize()}.\n\n")
        if asserted:
            out.append("| frame | articles | share | mean probability |\n|---|---|---|---|\n")
            out.extend(f"| {_md(f['frame'])} | {f['articles']} | {f['share']:.0%} "
                       f"| {f['mean_probability']:.2f} |\n" for f in asserted[:PROFILE_SHOWN])
        else:
            out.append("None asserted.\n")
    return "".join(out)


def _order_note() -> str:
    return (f"listed by mean {BAND_TARGET}, highest first, sources with a band before those "
            "with too few articles")


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_csv(report: Report) -> str:
    """One row per source with the summary columns."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    score_cols = [f"{t}_{k}" for t in report.targets for k in ("mean", "low", "high",
                                                               "share_above")]
    family_cols = [f"{f}_articles" for f in FAMILIES]
    # Fixed columns for the documented reasons, whether they occur or not; others as they come.
    unscored = _with_others(("not_english", "too_short"), report.not_scored)
    excluded = _with_others(("off_topic", "low_confidence"),
                            {r for reasons in report.excluded.values() for r in reasons})
    left_cols = ([f"not_scored_{r}" for r in unscored]
                 + [f"{t}_{k}" for t in report.targets for k in ("n", *excluded)])
    writer.writerow(["source", "articles", "band", *score_cols, *left_cols, *family_cols,
                     "share_ai", "share_homoglyph", "known_rating", "disagreement", "links",
                     "shared_bodies"])
    for s in report.sources:
        scores = []
        for t in report.targets:
            summary = s.scores.get(t)
            scores += (["", "", "", ""] if summary is None else
                       [f"{summary.mean:.4f}", f"{summary.low:.4f}", f"{summary.high:.4f}",
                        f"{summary.share_above:.4f}"])
        left = [s.not_scored.get(r, 0) for r in unscored]
        for t in report.targets:
            summary = s.scores.get(t)
            left.append(summary.n if summary else 0)
            left += [s.excluded.get(t, {}).get(r, 0) for r in excluded]
        writer.writerow([s.source, s.articles, s.band, *scores, *left,
                         *[s.families[f]["articles"] for f in FAMILIES],
                         f"{s.share_ai:.4f}", f"{s.share_homoglyph:.4f}", s.known_rating or "",
                         int(s.disagreement), _links_text(s), _shared_bodies_text(s)])
    return buffer.getvalue()


def _with_others(fixed: tuple[str, ...], seen) -> list[str]:
    return [*fixed, *sorted(set(seen) - set(fixed))]


# --------------------------------------------------------------------------- HTML

_CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#222;
background:#fafafa}
main{max-width:1100px;margin:0 auto;padding:1.5rem}
h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.25rem;margin-top:2rem}
h3{font-size:1.05rem;margin:0 0 .3rem}
table{border-collapse:collapse;width:100%;background:#fff;font-size:.9rem;margin:.4rem 0}
th,td{border-bottom:1px solid #e3e3e3;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f0f0f0}
td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
.band{color:#fff;border-radius:3px;padding:.05rem .4rem;font-size:.8rem;white-space:nowrap}
.card{background:#fff;border:1px solid #e3e3e3;border-radius:6px;padding:1rem;margin:1rem 0}
.muted{color:#666;font-size:.85rem}.warn{color:#a93226;font-weight:600}
blockquote{margin:.4rem 0;padding:.3rem .8rem;border-left:3px solid #8e44ad;background:#f7f2fa}
svg text{font:11px system-ui,sans-serif;fill:#333}
.legend span{display:inline-block;margin-right:1rem;font-size:.8rem}
.legend i{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:-1px}
.legend i.line{height:0;border-top:2px solid #222;vertical-align:3px}
.legend i.ref{height:.8rem;width:0;border-left:2px dashed;margin:0 .4rem 0 .2rem}
.left-out{color:#7d5a00;font-size:.85rem}
.wide{overflow-x:auto}.summary td{white-space:nowrap}
details{margin:.6rem 0}summary{cursor:pointer;font-weight:600}
.articles td{font-size:.82rem}.articles .url{word-break:break-all}
td.date{white-space:nowrap}.same{color:#a93226;font-size:.78rem}
abbr{text-decoration:underline dotted}
dl.models dt{font-weight:600;margin-top:.6rem}dl.models dd{margin:.1rem 0 0 1rem}
"""

#: One colour per target, so each chart says which target it shows (unknown targets cycle
#: through the spare ones).
_TARGET_COLOURS = {"unreliable_source": "#2471a3", "pro_kremlin_framing": "#7d3c98",
                   "war_topic": "#b9770e"}
_SPARE_COLOURS = ("#117a65", "#5d6d7e", "#a04000", "#1a5276")
#: Articles listed per source in the HTML; the JSON report lists them all.
ARTICLES_SHOWN = 100
_METRIC_NAMES = {"roc_auc": "ROC-AUC", "macro_f1": "macro-F1", "brier": "Brier score",
                 "f1_samples": "F1 (samples)", "micro_f1": "micro-F1",
                 "baseline_micro_f1": "plain TF-IDF one-vs-rest baseline micro-F1"}


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _band_html(band: str) -> str:
    return f'<span class="band" style="background:{_BAND_COLOURS[band]}">{_e(band)}</span>'


def _target_colour(report: Report, target: str) -> str:
    if target in _TARGET_COLOURS:
        return _TARGET_COLOURS[target]
    others = [t for t in report.targets if t not in _TARGET_COLOURS]
    return _SPARE_COLOURS[others.index(target) % len(_SPARE_COLOURS)]


def _reference_lines(report: Report, target: str) -> list[tuple[float, str, str]]:
    """(value, label, colour) of the lines a target's chart draws: the band thresholds of
    :func:`framing.report.band_for` for the band target, the share threshold for the others."""
    if target == BAND_TARGET:
        return [(report.margin, f"reliable \u2264 {report.margin:.2f}",
                 _BAND_COLOURS["reliable"]),
                (1 - report.margin, f"unreliable \u2265 {1 - report.margin:.2f}",
                 _BAND_COLOURS["unreliable"])]
    return [(report.threshold, f"threshold {report.threshold:g}", "#555")]


def _score_chart(report: Report, target: str) -> str:
    """Mean probability per source with its 95% interval, as horizontal bars, highest first."""
    rows = sorted((s for s in report.sources if target in s.scores),
                  key=lambda s: (-s.scores[target].mean, s.source))
    if not rows:
        return ""
    label_w, bar_w, row_h, top, value_w = 230, 560, 18, 22, 110
    colour = _target_colour(report, target)
    width = label_w + bar_w + value_w
    bottom = top + row_h * len(rows)
    height = bottom + 38
    parts = [f'<svg role="img" aria-label="mean {_e(target)} by source" width="{width}"'
             f' height="{height}" viewBox="0 0 {width} {height}">']
    for tick in (0, 0.25, 0.5, 0.75, 1):
        x = label_w + tick * bar_w
        parts.append(f'<line x1="{x:g}" y1="{top}" x2="{x:g}" y2="{bottom + 4}" '
                     f'stroke="#ddd"/><text x="{x:g}" y="{bottom + 16}" '
                     f'text-anchor="middle">{tick:g}</text>')
    parts.append(f'<line x1="{label_w}" y1="{bottom}" x2="{label_w + bar_w}" y2="{bottom}" '
                 f'stroke="#888"/><text x="{label_w + bar_w / 2:g}" y="{bottom + 32}" '
                 f'text-anchor="middle">mean {_e(target)} probability</text>')
    for i, s in enumerate(rows):
        summary = s.scores[target]
        y = top + i * row_h
        parts.append(f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end">'
                     f'{_e(clip(s.source, 34))}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{summary.mean * bar_w:.1f}" '
                     f'height="{row_h - 6}" fill="{colour}" opacity="0.8">'
                     f'<title>{_e(s.source)}: {summary.mean:.3f}, 95% interval '
                     f'{summary.low:.2f}-{summary.high:.2f} '
                     f'({plural(summary.n, "article")})</title></rect>')
        parts.append(f'<line x1="{label_w + summary.low * bar_w:.1f}" y1="{y + 9}" '
                     f'x2="{label_w + summary.high * bar_w:.1f}" y2="{y + 9}" stroke="#222" '
                     f'stroke-width="1.5"/>')
        parts.append(f'<text x="{label_w + bar_w + 8}" y="{y + 13}">{summary.mean:.2f} '
                     f'(n={summary.n})</text>')
    for value, label, line_colour in _reference_lines(report, target):
        x = label_w + value * bar_w
        parts.append(f'<line class="threshold" data-value="{value:g}" x1="{x:.1f}" '
                     f'y1="{top - 4}" x2="{x:.1f}" y2="{bottom}" stroke="{line_colour}" '
                     f'stroke-width="1.5" stroke-dasharray="4 3"/>'
                     f'<text x="{x:.1f}" y="{top - 8}" text-anchor="middle" '
                     f'style="fill:{line_colour}">{_e(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _chart_legend(report: Report, target: str) -> str:
    refs = "".join(f'<span><i class="ref" style="border-color:{c}"></i>{_e(label)}</span>'
                   for _, label, c in _reference_lines(report, target))
    what = ("band thresholds: the whole interval past a line puts the source in that band"
            if target == BAND_TARGET else "share-above threshold (--threshold)")
    return (f'<p class="legend"><span><i style="background:{_target_colour(report, target)}">'
            f"</i>mean {_e(target)} probability</span>"
            '<span><i class="line"></i>95% interval</span>'
            f"{refs}<span>dashed: {_e(what)}</span></p>")


def _family_chart(report: Report) -> str:
    """Share of each source's articles with a finding of each family, as grouped bars."""
    label_w, cell_w, row_h = 230, 80, 20
    families = list(FAMILIES)
    width = label_w + cell_w * len(families) + 10
    height = row_h * len(report.sources) + 30
    parts = [f'<svg role="img" aria-label="marker families by source" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}">']
    for j, family in enumerate(families):
        parts.append(f'<text x="{label_w + j * cell_w + cell_w / 2}" y="12" '
                     f'text-anchor="middle">{_e(family)}</text>')
    for i, s in enumerate(report.sources):
        y = i * row_h + 20
        parts.append(f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end">'
                     f'{_e(clip(s.source, 34))}</text>')
        for j, family in enumerate(families):
            share = s.families[family]["articles"] / s.articles if s.articles else 0
            x = label_w + j * cell_w + 4
            parts.append(f'<rect x="{x}" y="{y + 3}" width="{cell_w - 8}" height="{row_h - 8}" '
                         f'fill="#f2f2f2"/><rect x="{x}" y="{y + 3}" '
                         f'width="{(cell_w - 8) * share:.1f}" height="{row_h - 8}" '
                         f'fill="{_FAMILY_COLOURS[family]}">'
                         f'<title>{_e(s.source)}: {share:.0%} of articles with {_e(family)}'
                         f'</title></rect>')
    parts.append("</svg>")
    return "".join(parts)


def _trend_chart(report: Report, source: SourceReport, target: str) -> str:
    points = [(row["month"], row["means"][target]) for row in source.trend
              if target in row["means"]]
    if len(points) < 2:
        return ""
    width, height, pad = 520, 150, 34
    colour = _target_colour(report, target)
    step = (width - 2 * pad) / (len(points) - 1)
    span = height - 2 * pad
    coords = [(pad + i * step, height - pad - v * span) for i, (_, v) in enumerate(points)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    parts = [f'<svg role="img" aria-label="monthly {_e(target)}" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}">']
    for tick in (0, 0.5, 1):
        y = height - pad - tick * span
        parts.append(f'<line x1="{pad}" y1="{y:.1f}" x2="{width - pad}" y2="{y:.1f}" '
                     f'stroke="#e3e3e3"/><text x="{pad - 4}" y="{y + 4:.1f}" '
                     f'text-anchor="end">{tick:g}</text>')
    parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
    for (x, y), (month, value) in zip(coords, points, strict=True):
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}">'
                     f'<title>{_e(month)}: {value:.3f}</title></circle>')
    parts.append(f'<text x="{pad}" y="{height - 12}">{_e(points[0][0])}</text>'
                 f'<text x="{width - pad}" y="{height - 12}" text-anchor="end">'
                 f'{_e(points[-1][0])}</text></svg>')
    return "".join(parts)


def _exclusions_legend_html(report: Report) -> str:
    """What the 'left out' counts mean: every reason, with the run's total where it occurs."""
    items = []
    for reason, meaning in EXCLUSIONS.items():
        counts = []
        if report.not_scored.get(reason):
            counts.append(plural(report.not_scored[reason], "article"))
        counts += [f"{t} {r[reason]}" for t, r in report.excluded.items() if r.get(reason)]
        items.append(f"<b>{_e(reason)}</b>: {_e(meaning)}"
                     + (f" ({_e(', '.join(counts))})" if counts else ""))
    return ('<p class="muted left-out-legend">Left out of a target\'s mean, interval, share '
            "and band (counted per source under &ldquo;left out&rdquo;): "
            + "; ".join(items) + ".</p>")


def _legend_html(report: Report) -> str:
    """How to read the page: bands and their rule, chart elements, order, left-out reasons."""
    m = report.margin
    bands = {
        "reliable": f"the whole 95% interval of the mean {BAND_TARGET} is at or below {m:.2f}",
        "mixed": "neither: the interval reaches between the two thresholds",
        "unreliable": f"the whole interval is at or above {1 - m:.2f}",
        "insufficient evidence": f"fewer than {plural(report.min_articles, 'counted article')}",
    }
    rows = "".join(f"<span>{_band_html(b)} {_e(text)}</span>" for b, text in bands.items())
    targets = "".join(f'<span><i style="background:{_target_colour(report, t)}"></i>'
                      f"{_e(t)}</span>" for t in report.targets)
    return (f'<h2>How to read this report</h2><p class="legend">Bands: {rows}</p>'
            f'<p class="legend">Chart colours, one per target: {targets}</p>'
            f'<p class="muted">Sources are listed by mean {_e(BAND_TARGET)} probability, highest '
            "first: sources with a band, then those with too few articles for one, then those "
            "without the score; each chart orders them by its own target. Bars "
            "are a source's mean probability, the black line its 95% interval, dashed lines "
            f"the thresholds; &ldquo;share above&rdquo; counts scores at or above "
            f"{report.threshold:g}.</p>" + _exclusions_legend_html(report))


def _marker_html(report: Report, marker_id: str) -> str:
    entry = report.markers.get(marker_id) or {}
    tip = ": ".join(x for x in (entry.get("name"), entry.get("description")) if x)
    return (f'<abbr title="{_e(tip)}">{_e(marker_id)}</abbr>' if tip else _e(marker_id))


def _url_html(url: str | None, text: str) -> str:
    """A link for an http(s) URL (any other scheme, e.g. javascript:, stays plain text)."""
    if url and url.lower().startswith(("http://", "https://")):
        return f'<a href="{_e(url)}" rel="noreferrer noopener">{_e(text)}</a>'
    return _e(text)


def _articles_html(report: Report, source: SourceReport) -> str:
    shared = {g["content_hash"]: g["articles"] for g in source.shared_bodies}
    rows = source.article_list
    if not rows:
        return ""
    shown = rows[:ARTICLES_SHOWN]
    head = ("<tr><th>title / URL</th><th>date</th>"
            + "".join(f"<th>{_e(t)}</th>" for t in report.targets) + "<th>markers</th></tr>")
    body = []
    for row in shown:
        title = row["title"] or row["id"]
        cell = _url_html(row["url"], title)
        if row["url"]:
            cell += f'<br><span class="muted url">{_url_html(row["url"], row["url"])}</span>'
        if row["content_hash"] in shared:
            cell += (f'<br><span class="same">same body as '
                     f'{plural(shared[row["content_hash"]] - 1, "other article")}</span>')
        scores = []
        for t in report.targets:
            value = row["scores"].get(t)
            reason = row["left_out"].get(t) if value is not None else None
            scores.append("<td class=\"num\">-</td>" if value is None else
                          f'<td class="num">{value:.2f}'
                          + (f' <span class="muted">({_e(reason)})</span>' if reason else "")
                          + "</td>")
        flags = ", ".join(_marker_html(report, f) for f in row["flags"]) or "-"
        date = _e(row["published"] or "-")
        body.append(f'<tr><td>{cell}</td><td class="date">{date}</td>'
                    + "".join(scores) + f"<td>{flags}</td></tr>")
    more = len(rows) - len(shown)
    note = (f'<p class="muted">{plural(more, "more article")} not listed here; '
            "<code>--format json</code> lists them all.</p>" if more else "")
    return (f"<details><summary>{plural(len(rows), 'article')} (highest {_e(BAND_TARGET)} "
            f'first)</summary><table class="articles">{head}{"".join(body)}</table>{note}'
            "</details>")


def _shared_bodies_html(source: SourceReport) -> str:
    parts = []
    for group in source.shared_bodies:
        ids = ", ".join(group["ids"][:10]) + (", \u2026" if len(group["ids"]) > 10 else "")
        parts.append(f'<p class="warn shared-body">{group["articles"]} articles share one body'
                     f'</p><p class="muted">Likely a scrape failure (a cookie wall, a paywall '
                     f"or a site template caught instead of the article); their scores count "
                     f"the same text {group['articles']} times. Articles: {_e(ids)}</p>")
    return "".join(parts)


def _models_html(report: Report) -> str:
    """What the scores mean and what the models were trained on, from the models' cards."""
    intro = ("<p>Each score is a probability from a model trained on labelled articles: how "
             "much an article resembles the training articles of one label, not a check of "
             "whether its claims are true. The figures were measured on the training corpora "
             "as each card's method says; on other kinds of text (other years, topics, "
             "outlets) expect them to be lower. Scores of articles far from all training "
             "articles count as <b>low_confidence</b> and are left out.</p>")
    if not report.models:
        return ("<h2>What these scores mean and what they were trained on</h2>" + intro
                + '<p class="muted">No model card was found for these scores.</p>')
    items = []
    for m in report.models:
        trained = ", ".join(m["trained_on"]) or "an unnamed corpus"
        also = (f"<dd>Also trained on, never evaluated on: {_e(', '.join(m['train_only']))}.</dd>"
                if m.get("train_only") else "")
        size = []
        if m["articles"] is not None:
            size.append(plural(m["articles"], "article"))
        if m["sources"] is not None:
            size.append(f"from {plural(m['sources'], 'source')}")
        if m["labels"]:
            size.append(", ".join(f"{v} labelled {k}" for k, v in
                                  sorted(m["labels"].items(), reverse=True)))
        figures = []
        for name, (value, low, high) in m["metrics"].items():
            interval = f" (95% {low:.2f}-{high:.2f})" if low is not None else ""
            figures.append(f"{_METRIC_NAMES.get(name, name)} {value:.2f}{interval}")
        low_conf = (f" Low confidence below a similarity of {m['low_confidence_below']:g} to "
                    "the nearest training article." if m["low_confidence_below"] else "")
        items.append(
            f"<dt>{_e(m['target'])}</dt><dd>{_e(m['meaning'])}.</dd>"
            f"<dd>Trained on {_e(trained)}" + (f" ({_e(', '.join(size))})" if size else "")
            + ".</dd>" + also
            + (f"<dd>Measured: {_e('; '.join(figures))}"
               + (f" &mdash; {_e(m['method'])}" if m["method"] else "") + ".</dd>"
               if figures else "")
            + (f"<dd class=\"muted\">{_e(low_conf.strip())}</dd>" if low_conf else ""))
    return ("<h2>What these scores mean and what they were trained on</h2>" + intro
            + f'<dl class="models">{"".join(items)}</dl>')


def _profiles_html(source: SourceReport) -> str:
    """The "Persuasion techniques" and "Frames" tables of one source ('' when not read), with
    the taxonomies' descriptions as tooltips."""
    out = []
    if source.techniques_read:
        out.append(f'<h4>Persuasion techniques</h4><p class="muted">'
                   f"{_e(_read_note(source.techniques_read, 'techniques').capitalize())}.</p>")
        if source.techniques:
            described = _technique_descriptions()
            out.append('<table class="techniques"><tr><th>technique</th><th>id</th>'
                       "<th>articles</th><th>share</th><th>paragraphs</th>"
                       "<th>strongest examples</th></tr>")
            for t in source.techniques:
                tip = described.get(t["technique"], "")
                name = (f'<abbr title="{_e(tip)}">{_e(t["technique"])}</abbr>' if tip
                        else _e(t["technique"]))
                examples = "<br>".join(
                    _url_html(x["url"], x["title"] or x["id"])
                    + f' <span class="muted">line {_e(x["line"])}</span>'
                    + (f": &ldquo;{_e(x['text'])}&rdquo;" if x.get("text") else "")
                    for x in t["examples"]) or "-"
                out.append(f"<tr><td>{name}</td><td>{_e(t['id'] or '-')}</td>"
                           f'<td class="num">{t["articles"]}</td>'
                           f'<td class="num">{t["share"]:.0%}</td>'
                           f'<td class="num">{t["paragraphs"]}</td><td>{examples}</td></tr>')
            out.append("</table>")
        else:
            out.append('<p class="muted">None found.</p>')
    if source.frames_read:
        asserted = [f for f in source.frames if f["articles"]]
        out.append(f'<h4>Frames</h4><p class="muted">'
                   f"{_e(_read_note(source.frames_read, 'frames').capitalize())}.</p>")
        if asserted:
            described = _frame_descriptions()
            out.append('<table class="frames"><tr><th>frame</th><th>articles</th><th>share</th>'
                       "<th>mean probability</th></tr>")
            for f in asserted:
                tip = described.get(f["frame"], "")
                name = (f'<abbr title="{_e(tip)}">{_e(f["frame"])}</abbr>' if tip
                        else _e(f["frame"]))
                out.append(f'<tr><td>{name}</td><td class="num">{f["articles"]}</td>'
                           f'<td class="num">{f["share"]:.0%}</td>'
                           f'<td class="num">{f["mean_probability"]:.2f}</td></tr>')
            out.append("</table>")
        else:
            out.append('<p class="muted">None asserted.</p>')
    return "".join(out)


def _markers_glossary_html(report: Report) -> str:
    if not report.markers:
        return ""
    rows = "".join(f"<tr><td>{_e(i)}</td><td>{_e(m['family'])}</td><td>{_e(m['name'])}</td>"
                   f"<td>{_e(m['description'])}</td></tr>" for i, m in report.markers.items())
    return ("<h2>Markers in this report</h2><table><tr><th>marker</th><th>family</th>"
            f"<th>name</th><th>what it flags</th></tr>{rows}</table>")


def render_html(report: Report) -> str:
    """The self-contained HTML report."""
    legend = "".join(f'<span><i style="background:{c}"></i>{_e(f)}</span>'
                     for f, c in _FAMILY_COLOURS.items())
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>framing source report</title>",
        f"<style>{_CSS}</style></head><body><main>",
        "<h1>Source report</h1>",
        f'<p class="muted">{plural(report.articles, "article")}{_unscored_note(report)} from '
        f"{plural(len(report.sources), 'source')}, generated {_e(report.generated)} by "
        "framing.</p>",
        _legend_html(report),
        f'<h2>Summary</h2><p class="muted">By mean {_e(BAND_TARGET)}, highest first; sources '
        "with too few articles for a band after the others.</p>"
        '<div class="wide"><table class="summary"><thead><tr><th>source</th><th>articles</th>'
        "<th>band</th>",
        *[f"<th>{_e(t)}</th>" for t in report.targets],
        "<th>AI</th><th>homoglyph</th><th>known rating</th><th>left out</th>"
        "<th>shared text</th><th>repeated body</th></tr></thead><tbody>",
    ]
    for i, s in enumerate(report.sources):
        known = _e(s.known_rating or "-")
        if s.disagreement:
            known += ' <span class="warn">disagrees</span>'
        out.append(f'<tr><td><a href="#source-{i}">{_e(s.source)}</a></td>'
                   f'<td class="num">{s.articles}</td><td>{_band_html(s.band)}</td>'
                   + "".join(f'<td class="num">{_e(_score_cell(s, t))}</td>'
                             for t in report.targets)
                   + f'<td class="num">{s.share_ai:.0%}</td>'
                   f'<td class="num">{s.share_homoglyph:.0%}</td>'
                   f"<td>{known}</td><td>{_e(_left_out_text(s, report.targets) or '-')}</td>"
                   f"<td>{_e(_links_text(s))}</td><td>{_e(_shared_bodies_text(s) or '-')}</td>"
                   "</tr>")
    out.append("</tbody></table></div>")
    for target in report.targets:
        chart = _score_chart(report, target)
        if chart:
            out.append(f"<h2>{_e(target)} by source</h2>{_chart_legend(report, target)}{chart}")
    out.append(f'<h2>Marker families by source</h2><p class="legend">{legend}</p>'
               '<p class="muted">Bar: share of the source\'s articles with a finding of the '
               f"family (full cell = all of them).</p>{_family_chart(report)}")
    out.append("<h2>Sources</h2>")
    for i, s in enumerate(report.sources):
        out.append(f'<section class="card" id="source-{i}"><h3>{_e(s.source)} '
                   f"{_band_html(s.band)} <span class=\"muted\">"
                   f"{plural(s.articles, 'article')}</span></h3>"
                   f'<p class="muted">{_e(s.band_reason)}</p>')
        out.append(_shared_bodies_html(s))
        left_out = _left_out_text(s, report.targets)
        if left_out:
            out.append(f'<p class="left-out">Left out of the scores: {_e(left_out)}</p>')
        if s.narratives:
            out.append("<table><tr><th>narrative asserted</th><th>articles</th><th>share</th>"
                       "</tr>" + "".join(
                           f"<tr><td>{_e(entry['narrative'])}</td><td>{entry['articles']}</td>"
                           f"<td>{entry['share']:.0%}</td></tr>" for entry in s.narratives)
                       + "</table>")
        profiles = _profiles_html(s)
        if profiles:
            out.append(profiles)
        if s.top_markers:
            out.append("<table><tr><th>marker</th><th>what it flags</th><th>articles</th>"
                       "<th>example</th></tr>")
            for m in s.top_markers:
                entry = report.markers.get(m["marker_id"], {})
                out.append(f"<tr><td>{_e(m['marker_id'])}</td>"
                           f"<td>{_e(entry.get('description') or m['family'])}</td>"
                           f"<td class=\"num\">{m['articles']}</td><td>{_e(m['example'])}</td>"
                           "</tr>")
            out.append("</table>")
        for link in s.links:
            role = ("republishes " + link["origin"] if link["source"] == s.source
                    else "republished by " + link["source"])
            out.append(f"<p><b>{_e(role)}</b>: "
                       f"{plural(link['passages'], 'shared passage')}</p>")
            for example in link["examples"][:2]:
                out.append(f"<blockquote>{_e(clip(example['text_a'], 400))}</blockquote>")
        for target in report.targets:
            chart = _trend_chart(report, s, target)
            if chart:
                out.append(f"<p class=\"muted\">monthly mean {_e(target)}</p>{chart}")
        out.append(_articles_html(report, s))
        out.append("</section>")
    out.append(_markers_glossary_html(report))
    out.append(_models_html(report))
    out.append("</main></body></html>")
    return "\n".join(out) + "\n"
