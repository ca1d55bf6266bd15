//! Throughput and memory against items, drawn as an SVG (plotters: a well-kept plotting
//! crate with a pure-Rust SVG backend, so the bench needs no system libraries).

use plotters::prelude::*;

/// One workload's curves: items/s over each stretch, and resident MiB, by items done.
pub struct Series {
    /// The legend's name.
    pub name: String,
    /// (items done, items per second over the stretch ending there).
    pub rates: Vec<(u64, f64)>,
    /// (items done, resident MiB then).
    pub rss_mib: Vec<(u64, f64)>,
}

/// Draws two panels, throughput above and resident memory below, into `path`.
pub fn draw(path: &str, title: &str, series: &[Series]) -> Result<(), Box<dyn std::error::Error>> {
    let root = SVGBackend::new(path, (900, 700)).into_drawing_area();
    root.fill(&WHITE)?;
    let root = root.titled(title, ("sans-serif", 22))?;
    let (top, bottom) = root.split_vertically(340);
    let rates: Vec<(String, &[(u64, f64)])> = series
        .iter()
        .map(|s| (s.name.clone(), s.rates.as_slice()))
        .collect();
    let memory: Vec<(String, &[(u64, f64)])> = series
        .iter()
        .map(|s| (format!("{} RSS", s.name), s.rss_mib.as_slice()))
        .collect();
    panel(&top, "items/s", &rates, 1.15)?;
    panel(&bottom, "resident memory (MiB)", &memory, 1.3)?;
    root.present()?;
    Ok(())
}

/// One panel: a line per curve against items done, the y axis from 0 to `headroom`
/// times the highest point.
fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    y_desc: &str,
    curves: &[(String, &[(u64, f64)])],
    headroom: f64,
) -> Result<(), Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    let points = || curves.iter().flat_map(|(_, c)| c.iter());
    let max_items = points().map(|p| p.0).max().unwrap_or(1);
    let max_y = points().map(|p| p.1).fold(1.0, f64::max);
    let mut chart = ChartBuilder::on(area)
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(70)
        .build_cartesian_2d(0u64..max_items, 0f64..max_y * headroom)?;
    chart
        .configure_mesh()
        .x_desc("items done")
        .y_desc(y_desc)
        .draw()?;
    for ((name, curve), color) in curves.iter().zip([BLUE, RED, GREEN, MAGENTA]) {
        chart
            .draw_series(LineSeries::new(
                curve.iter().copied(),
                color.stroke_width(2),
            ))?
            .label(name.as_str())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color));
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()?;
    Ok(())
}
