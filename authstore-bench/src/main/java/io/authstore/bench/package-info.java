/**
 * JMH benchmarks and footprint measurements of authstore's stores against the peers they replace.
 * Not API. Every class says in its Javadoc the command that runs it; results and the machine they
 * were measured on are in {@code docs/benchmarks.md}.
 */
package io.authstore.bench;
