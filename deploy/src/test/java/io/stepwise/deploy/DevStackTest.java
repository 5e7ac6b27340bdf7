package io.stepwise.deploy;

import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The dev stack ./run.sh starts is reachable from this host only, unless STEPWISE_BIND says otherwise. */
class DevStackTest {

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void postgresAndTemporalListenOnLoopbackOnlyAndAnswer(@TempDir Path home) throws Exception {
        assumeTrue(ListeningSockets.readable(), "needs Linux's /proc/net/tcp");
        int pgPort = freePort();
        int temporalPort = freePort();

        try (DevStack stack = DevStack.start(home, pgPort, temporalPort, DevStack.LOOPBACK)) {
            assertThat(ListeningSockets.addresses(pgPort)).as("PostgreSQL listens on").isNotEmpty()
                    .containsOnly("127.0.0.1");
            assertThat(ListeningSockets.addresses(temporalPort)).as("Temporal listens on").isNotEmpty()
                    .containsOnly("127.0.0.1");

            try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pgPort + "/stepwise",
                    "postgres", "postgres")) {
                assertThat(c.isValid(5)).isTrue();
            }
            WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(
                    WorkflowServiceStubsOptions.newBuilder().setTarget("127.0.0.1:" + temporalPort).build());
            try {
                assertThat(stubs.blockingStub().getSystemInfo(GetSystemInfoRequest.getDefaultInstance())).isNotNull();
            } finally {
                stubs.shutdownNow();
            }
        }
    }

    @Test
    void aWildcardBindIsReachedThroughLoopback() {
        assertThat(DevStack.connectHost("0.0.0.0")).isEqualTo("127.0.0.1");
        assertThat(DevStack.connectHost("127.0.0.1")).isEqualTo("127.0.0.1");
        assertThat(DevStack.connectHost("192.168.1.5")).isEqualTo("192.168.1.5");
    }
}
