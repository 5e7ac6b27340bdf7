package io.stepwise.api.definitions;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.stepwise.api.config.PacksConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * With {@code stepwise.packs.watch=true}, resyncs when anything under the packs root changes:
 * the root, each pack folder and each {@code workflows/} folder are watched; a burst of changes
 * (an editor saving, a git checkout) gives one resync once the folder is quiet for a moment.
 */
@ApplicationScoped
public class PackWatcher {
    private static final Logger LOG = Logger.getLogger(PackWatcher.class);
    static final long QUIET_MS = 300;

    private final PacksConfig config;
    private final ResyncService resync;
    private volatile WatchService watcher;

    public PackWatcher(PacksConfig config, ResyncService resync) {
        this.config = config;
        this.resync = resync;
    }

    void onStart(@Observes StartupEvent event) throws IOException {
        if (!config.watch()) {
            return;
        }
        watcher = FileSystems.getDefault().newWatchService();
        registerAll(Path.of(config.dir()));
        Thread thread = new Thread(this::loop, "stepwise-pack-watcher");
        thread.setDaemon(true);
        thread.start();
        LOG.infof("pack_watch_started packs_dir=%s", config.dir());
    }

    void onStop(@Observes ShutdownEvent event) throws IOException {
        if (watcher != null) {
            watcher.close();
        }
    }

    private void loop() {
        try {
            while (true) {
                WatchKey key = watcher.take();
                drain(key);
                // wait until the folder is quiet, then resync once for the whole burst
                WatchKey next;
                while ((next = watcher.poll(QUIET_MS, TimeUnit.MILLISECONDS)) != null) {
                    drain(next);
                }
                registerAll(Path.of(config.dir()));
                try {
                    resync.resync(false);
                } catch (RuntimeException e) {
                    LOG.errorf("pack_watch_resync_failed reason=%s", e.getMessage());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ClosedWatchServiceException e) {
            LOG.debug("pack_watch_stopped");
        } catch (IOException e) {
            LOG.errorf("pack_watch_failed reason=%s", e.getMessage());
        }
    }

    private static void drain(WatchKey key) {
        key.pollEvents();
        key.reset();
    }

    /** Registers the root, the packs and their workflows folders; registering twice is harmless. */
    private void registerAll(Path root) throws IOException {
        register(root);
        try (Stream<Path> packs = Files.list(root)) {
            for (Path pack : packs.filter(Files::isDirectory).toList()) {
                register(pack);
                Path workflows = pack.resolve("workflows");
                if (Files.isDirectory(workflows)) {
                    register(workflows);
                }
            }
        }
    }

    private void register(Path dir) throws IOException {
        dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                StandardWatchEventKinds.ENTRY_MODIFY);
    }
}
