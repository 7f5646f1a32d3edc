//! `cargo xtask figures`: measure what the book quotes. Runs the benchmarks
//! of `crates/kata-bench` (reference solutions, their production
//! alternatives, and the primitives) and writes their tables, and an SVG plot
//! per group, to `book/src/generated/figures/`, which the book includes.

use std::path::Path;

use plotters::prelude::*;

use crate::bench::{self, Figure};
use crate::term::Out;
use crate::{Code, paths};

#[derive(clap::Args)]
pub struct Args {
    /// Only these families (primitives, queue, cache, time-map); all by default.
    pub families: Vec<String>,
    /// Shorten criterion's warm-up and measurement to a fifth: rougher
    /// figures, for checking that the tables and plots come out.
    #[arg(long, conflicts_with = "replot")]
    pub quick: bool,
    /// Measure nothing: rewrite the tables and plots from the results of the
    /// last run (in target/kata-bench/criterion).
    #[arg(long)]
    pub replot: bool,
}

/// The row each group's ratios are taken against.
const BASELINES: [(&str, &str); 9] = [
    ("queue", "reference"),
    ("cache", "reference"),
    ("time-map", "reference"),
    ("uncontended", "std Mutex"),
    ("contended", "std Mutex"),
    ("lock handoff", "std Mutex"),
    ("false-sharing", "own counters, padded apart"),
    ("handoff", "Mutex + Condvar (the reference queue)"),
    ("spawn", "std::thread spawn + join"),
];

pub fn run(args: &Args, out: &Out) -> Code {
    let names: Vec<String> = if args.families.is_empty() {
        bench::FAMILIES
            .iter()
            .map(|(n, _)| (*n).to_owned())
            .collect()
    } else {
        args.families.clone()
    };
    let dir = paths::root().join("book/src/generated/figures");
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("error: cannot create {}: {e}", paths::display(&dir));
        return Code::Internal;
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    for name in &names {
        let Some(family) = bench::family(name) else {
            eprintln!(
                "error: no benchmark family `{name}`; families: {}",
                bench::FAMILIES.map(|(n, _)| n).join(", ")
            );
            return Code::Usage;
        };
        let how_long = if args.quick {
            "under a minute"
        } else {
            "a few minutes"
        };
        let figures = if args.replot {
            bench::read_last(family)
        } else {
            out.status(&format!("measuring {name} (criterion, {how_long})..."));
            bench::run(family, &[], args.quick, out)
        };
        let figures = match figures {
            Ok(f) => f,
            Err(e) => {
                eprintln!("{} {e}", out.red("error:"));
                return Code::Internal;
            }
        };
        let text = render(name, family.target, family.unit, &figures, cores);
        let file = dir.join(format!("{name}.txt"));
        if let Err(e) = std::fs::write(&file, &text) {
            eprintln!("error: cannot write {}: {e}", paths::display(&file));
            return Code::Internal;
        }
        println!("{text}");
        out.status(&format!("wrote {}", paths::display(&file)));
        for group in groups(&figures) {
            let rows: Vec<&Figure> = figures.iter().filter(|f| f.group == group).collect();
            let file = dir.join(format!("{name}-{}.svg", slug(&group)));
            if let Err(e) = plot(&file, &group, family.unit, &rows, cores) {
                eprintln!("error: cannot draw {}: {e}", paths::display(&file));
                return Code::Internal;
            }
            out.status(&format!("wrote {}", paths::display(&file)));
        }
    }
    Code::Ok
}

/// The groups of a run, in the order of `BASELINES`.
fn groups(figures: &[Figure]) -> Vec<String> {
    let mut groups: Vec<String> = Vec::new();
    for f in figures {
        if !groups.contains(&f.group) {
            groups.push(f.group.clone());
        }
    }
    groups.sort_by_key(|g| {
        BASELINES
            .iter()
            .position(|(b, _)| b == g)
            .unwrap_or(usize::MAX)
    });
    groups
}

fn baseline(group: &str) -> &'static str {
    BASELINES
        .iter()
        .find(|(b, _)| *b == group)
        .map_or("", |(_, base)| *base)
}

fn render(name: &str, target: &str, unit: &str, figures: &[Figure], cores: usize) -> String {
    let mut s = format!(
        "{name}: measured by `cargo xtask figures {name}` (criterion mean; `cargo bench -p kata-bench --bench {target}`) on a {cores}-core machine.\n"
    );
    for g in groups(figures) {
        let baseline = baseline(&g);
        let rows: Vec<Figure> = figures.iter().filter(|f| f.group == g).cloned().collect();
        s.push_str(&format!("\n[{g}] ratios against: {baseline}\n"));
        s.push_str(&bench::ratio_table(&rows, baseline, unit));
    }
    s
}

/// "lock handoff" -> "lock-handoff": the plot's file name.
pub fn slug(group: &str) -> String {
    group
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

/// The thread count a scenario names ("4 threads" -> 4), if it names one.
fn threads(scenario: &str) -> Option<f64> {
    let (n, rest) = scenario.split_once(' ')?;
    rest.starts_with("thread").then(|| n.parse().ok())?
}

/// One group's plot: time per element against thread count, a line per
/// implementation, where the scenarios are thread counts; otherwise a bar
/// per row.
fn plot(
    file: &Path,
    group: &str,
    unit: &str,
    rows: &[&Figure],
    cores: usize,
) -> Result<(), String> {
    let by_threads = rows.iter().all(|f| threads(&f.scenario).is_some())
        && rows
            .iter()
            .any(|f| threads(&f.scenario) != threads(&rows[0].scenario));
    let caption = format!("{group}: time per {unit}, on {cores} cores (lower is faster)");
    if by_threads {
        lines(file, &caption, rows)
    } else {
        bars(file, &caption, group, rows)
    }
    .map_err(|e| e.to_string())
}

type Drawn = Result<(), Box<dyn std::error::Error>>;

fn lines(file: &Path, caption: &str, rows: &[&Figure]) -> Drawn {
    let mut functions: Vec<&str> = Vec::new();
    for f in rows {
        if !functions.contains(&f.function.as_str()) {
            functions.push(&f.function);
        }
    }
    let xs: Vec<f64> = rows.iter().filter_map(|f| threads(&f.scenario)).collect();
    let (_, x_max) = range(&xs);
    let ys: Vec<f64> = rows.iter().map(|f| f.ns_per_element).collect();
    let (y_min, y_max) = range(&ys);
    let root = SVGBackend::new(file, (760, 440)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(caption, ("sans-serif", 17))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(
            (0.8..x_max * 1.25).log_scale().with_key_points(xs.clone()),
            (y_min / 1.5..y_max * 1.5).log_scale(),
        )?;
    chart
        .configure_mesh()
        .x_desc("threads")
        .y_desc("time per element (log scale)")
        .label_style(("sans-serif", 12))
        .x_label_formatter(&|x| format!("{x}"))
        .y_label_formatter(&|y| bench::human_ns(*y))
        .draw()?;
    for (i, function) in functions.iter().enumerate() {
        let colour = Palette99::pick(i).to_rgba();
        let mut points: Vec<(f64, f64)> = rows
            .iter()
            .filter(|f| f.function == *function)
            .filter_map(|f| Some((threads(&f.scenario)?, f.ns_per_element)))
            .collect();
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
        chart
            .draw_series(LineSeries::new(points.clone(), colour.stroke_width(2)))?
            .label(*function)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], colour.stroke_width(2))
            });
        chart.draw_series(points.iter().map(|p| Circle::new(*p, 3, colour.filled())))?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}

fn bars(file: &Path, caption: &str, group: &str, rows: &[&Figure]) -> Drawn {
    let base = baseline(group);
    let mut rows = rows.to_vec();
    // The baseline on top: plotters counts rows from the bottom.
    rows.sort_by_key(|f| (f.function == base, std::cmp::Reverse(f.function.clone())));
    let (_, x_max) = range(&rows.iter().map(|f| f.ns_per_element).collect::<Vec<_>>());
    let height = (80 + 34 * rows.len() as u32).max(150);
    let root = SVGBackend::new(file, (760, height)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(caption, ("sans-serif", 17))
        .margin(12)
        .x_label_area_size(30)
        .y_label_area_size(8)
        // Room right of the longest bar for its label.
        .build_cartesian_2d(0.0..x_max * 1.8, 0.0..rows.len() as f64)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .label_style(("sans-serif", 12))
        .x_label_formatter(&|x| bench::human_ns(*x))
        .draw()?;
    let colour = Palette99::pick(0).filled();
    chart.draw_series(rows.iter().enumerate().map(|(i, f)| {
        let i = i as f64;
        Rectangle::new([(0.0, i + 0.2), (f.ns_per_element, i + 0.8)], colour)
    }))?;
    chart.draw_series(rows.iter().enumerate().map(|(i, f)| {
        Text::new(
            format!("{}  {}", f.function, bench::human_ns(f.ns_per_element)),
            (f.ns_per_element + x_max * 0.02, i as f64 + 0.62),
            ("sans-serif", 13),
        )
    }))?;
    root.present()?;
    Ok(())
}

/// The smallest and largest of some positive values.
fn range(values: &[f64]) -> (f64, f64) {
    values
        .iter()
        .fold((f64::MAX, f64::MIN_POSITIVE), |(lo, hi), v| {
            (lo.min(*v), hi.max(*v))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenarios_that_name_a_thread_count_are_plotted_against_it() {
        assert_eq!(threads("1 thread"), Some(1.0));
        assert_eq!(threads("8 threads"), Some(8.0));
        assert_eq!(threads("2 producers"), None);
        assert_eq!(threads(""), None);
        assert_eq!(slug("lock handoff"), "lock-handoff");
    }

    #[test]
    fn a_plot_is_an_svg_with_every_implementation_in_it() {
        let dir = std::env::temp_dir().join(format!("xtask-plot-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let fig = |function: &str, scenario: &str, ns: f64| Figure {
            group: "cache".into(),
            function: function.into(),
            scenario: scenario.into(),
            ns_per_element: ns,
        };
        let rows = [
            fig("reference", "1 thread", 70.0),
            fig("reference", "2 threads", 110.0),
            fig("striped", "1 thread", 80.0),
            fig("striped", "2 threads", 60.0),
        ];
        let refs: Vec<&Figure> = rows.iter().collect();
        let file = dir.join("lines.svg");
        plot(&file, "cache", "op", &refs, 2).unwrap();
        let lines = std::fs::read_to_string(&file).unwrap();
        let file = dir.join("bars.svg");
        plot(&file, "spawn", "op", &refs[..1], 2).unwrap();
        let bars = std::fs::read_to_string(&file).unwrap();
        std::fs::remove_dir_all(&dir).ok();
        assert!(lines.starts_with("<svg"), "{lines}");
        assert!(lines.contains("striped") && lines.contains("on 2 cores"));
        assert!(bars.contains("reference"), "{bars}");
    }
}
