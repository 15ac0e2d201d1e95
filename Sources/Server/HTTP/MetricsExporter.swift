import Metrics
import Prometheus
import Synchronization

/// The process-wide Prometheus registry behind swift-metrics. swift-metrics can be
/// bootstrapped once per process, so every app built in it (tests build many) shares it.
public final class MetricsExporter: Sendable {
    public static let shared = MetricsExporter()
    let registry = PrometheusCollectorRegistry()

    private init() {
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    }

    /// The registry in Prometheus' text format, with the process figures sampled now.
    public func render() -> String {
        ProcessFigures.record()
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}
