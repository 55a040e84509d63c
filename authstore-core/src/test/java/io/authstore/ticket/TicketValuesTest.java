package io.authstore.ticket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.authstore.CapacityExceededException;
import io.authstore.CapacityExceededException.Scope;
import io.authstore.ticket.ConsumeResult.Outcome;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The small value types of the ticket API: results, ticket information, errors. */
class TicketValuesTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private static final String TICKET = "q2Vx3Gd9yA0mB6Tnq4f1Y8c7LkKgqW2tZ-Rz_Jb5P3E";

  @Test
  void consumeResult_consumed_carriesTheTicketInformation() {
    TicketInfo info = new TicketInfo("alice", Map.of("k", "v"), T0, T0.plusSeconds(60));

    ConsumeResult result = ConsumeResult.consumed(info);

    assertThat(result.outcome()).isEqualTo(Outcome.CONSUMED);
    assertThat(result.isConsumed()).isTrue();
    assertThat(result.ticket()).isSameAs(info);
    assertThat(result)
        .isEqualTo(ConsumeResult.consumed(info))
        .hasSameHashCodeAs(ConsumeResult.consumed(info));
    assertThat(result.toString()).contains("CONSUMED").contains("alice");
  }

  @Test
  void consumeResult_reusedOrUnknown_hasNoTicketInformation() {
    for (ConsumeResult result :
        new ConsumeResult[] {ConsumeResult.reused(), ConsumeResult.unknownOrExpired()}) {
      assertThat(result.isConsumed()).isFalse();
      assertThatIllegalStateException()
          .isThrownBy(result::ticket)
          .withMessageContaining(result.outcome().toString());
    }
    assertThat(ConsumeResult.reused().outcome()).isEqualTo(Outcome.REUSED);
    assertThat(ConsumeResult.unknownOrExpired().outcome()).isEqualTo(Outcome.UNKNOWN_OR_EXPIRED);
    assertThat(ConsumeResult.reused()).isNotEqualTo(ConsumeResult.unknownOrExpired());
  }

  @Test
  void consumeResult_consumedWithoutTicketInformation_isRejected() {
    assertThatNullPointerException().isThrownBy(() -> ConsumeResult.consumed(null));
  }

  @Test
  void ticketInfo_copiesTheAttributes_andCannotBeModified() {
    Map<String, String> attributes = new HashMap<>(Map.of("k", "v"));

    TicketInfo info = new TicketInfo("alice", attributes, T0, T0.plusSeconds(60));
    attributes.put("k", "changed");

    assertThat(info.attributes()).containsExactly(Map.entry("k", "v"));
    assertThatThrownBy(() -> info.attributes().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void ticketInfo_nullArgument_isRejected() {
    assertThatNullPointerException().isThrownBy(() -> new TicketInfo(null, Map.of(), T0, T0));
    assertThatNullPointerException().isThrownBy(() -> new TicketInfo("alice", null, T0, T0));
    assertThatNullPointerException().isThrownBy(() -> new TicketInfo("alice", Map.of(), null, T0));
    assertThatNullPointerException().isThrownBy(() -> new TicketInfo("alice", Map.of(), T0, null));
  }

  @Test
  void issuedTicket_toString_redactsTheTicket_butEqualityUsesIt() {
    IssuedTicket issued = new IssuedTicket(TICKET, T0);

    assertThat(issued.toString())
        .doesNotContain(TICKET)
        .contains("redacted")
        .contains(T0.toString());
    assertThat(issued).isEqualTo(new IssuedTicket(TICKET, T0));
    assertThat(issued).isNotEqualTo(new IssuedTicket(TICKET.replace('q', 'r'), T0));
  }

  @Test
  void issuedTicket_nullArgument_isRejected() {
    assertThatNullPointerException().isThrownBy(() -> new IssuedTicket(null, T0));
    assertThatNullPointerException().isThrownBy(() -> new IssuedTicket(TICKET, null));
  }

  @Test
  void capacityExceeded_namesTheScopeAndLimit() {
    CapacityExceededException global = new CapacityExceededException(Scope.GLOBAL, 1000);
    CapacityExceededException subject = new CapacityExceededException(Scope.SUBJECT, 100);

    assertThat(global.scope()).isEqualTo(Scope.GLOBAL);
    assertThat(global.limit()).isEqualTo(1000);
    assertThat(global.getMessage()).contains("1000").doesNotContain("subject");
    assertThat(subject.scope()).isEqualTo(Scope.SUBJECT);
    assertThat(subject.getMessage()).contains("100").contains("subject");
  }
}
