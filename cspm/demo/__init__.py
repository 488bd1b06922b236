"""The demo (`make demo`): a simulated group of companies across the three clouds, polled
continuously, with drift injected every few minutes and the alerts caught in a local inbox."""
