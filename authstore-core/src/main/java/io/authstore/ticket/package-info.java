/**
 * Single-use tickets: {@link io.authstore.ticket.TicketStore} and its in-memory backend {@link
 * io.authstore.ticket.InMemoryTicketStore}.
 */
package io.authstore.ticket;
