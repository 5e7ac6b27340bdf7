package io.stepwise.api.runs;

import io.grpc.Status;
import io.stepwise.bootstrap.config.TemporalConfig;
import io.temporal.client.WorkflowServiceException;
import io.temporal.api.common.v1.WorkflowExecution;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/** The gate closes when Temporal is unreachable, for the configured pause only, and not for ordinary errors. */
class TemporalGateTest {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    private final TemporalConfig config = new TemporalConfig() {
        public String target() {
            return "127.0.0.1:1";
        }

        public String namespace() {
            return "default";
        }

        public String taskQueue() {
            return "q";
        }

        public Duration rpcTimeout() {
            return Duration.ofSeconds(1);
        }

        public Duration reconnectBackoffReset() {
            return Duration.ofSeconds(1);
        }

        public Duration outagePause() {
            return Duration.ofSeconds(2);
        }

        public String compression() {
            return "gzip";
        }
    };

    private final TemporalGate gate = new TemporalGate(config, new Clock() {
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        public Instant instant() {
            return now;
        }
    });

    @Test
    void unreachableClosesTheGateForThePauseThenLetsACallThrough() {
        assertThat(gate.down()).isFalse();
        assertThat(gate.failed(Status.UNAVAILABLE.asRuntimeException())).isTrue();
        assertThat(gate.down()).isTrue();
        now = now.plusMillis(1999);
        assertThat(gate.down()).isTrue();
        now = now.plusMillis(1);
        assertThat(gate.down()).as("after the pause one call may try again").isFalse();
    }

    @Test
    void anAnswerOpensTheGateAtOnce() {
        gate.failed(Status.DEADLINE_EXCEEDED.asRuntimeException());
        gate.answered();
        assertThat(gate.down()).isFalse();
    }

    @Test
    void theCauseIsFoundInsideTheSdksWrapping() {
        RuntimeException wrapped = new WorkflowServiceException(WorkflowExecution.newBuilder().setWorkflowId("w").build(),
                "AuthoredWorkflow", Status.UNAVAILABLE.asRuntimeException());
        assertThat(gate.failed(wrapped)).isTrue();
        assertThat(gate.down()).isTrue();
    }

    @Test
    void ordinaryErrorsLeaveTheGateOpen() {
        assertThat(gate.failed(Status.NOT_FOUND.asRuntimeException())).isFalse();
        assertThat(gate.failed(Status.INVALID_ARGUMENT.asRuntimeException())).isFalse();
        assertThat(gate.failed(new IllegalStateException("no gRPC status"))).isFalse();
        assertThat(gate.down()).isFalse();
    }
}
