package dev.eventsync.vertx.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;

/**
 * The JVM and process meters exported at {@code GET /metrics} next to the transport's own: memory pools and
 * buffers ({@code jvm_memory_*}, {@code jvm_buffer_*}), garbage collection ({@code jvm_gc_*}), threads
 * ({@code jvm_threads_*}), classes ({@code jvm_classes_*}), CPU ({@code process_cpu_usage},
 * {@code system_cpu_*}), uptime ({@code process_uptime_seconds}) and open files ({@code process_files_*}),
 * from Micrometer's standard binders. Binding them twice to one registry is harmless (meters are keyed by
 * name and tags); {@link #close()} stops the GC listener.
 */
final class JvmMetrics implements AutoCloseable {

    private final JvmGcMetrics gc = new JvmGcMetrics();

    JvmMetrics(MeterRegistry registry) {
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    @Override
    public void close() {
        gc.close();
    }
}
