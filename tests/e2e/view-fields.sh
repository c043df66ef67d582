# SPDX-License-Identifier: GPL-2.0-or-later
#
# view-fields.sh: the field lists of the "fields" and "conn" views (the
# columns of tests/golden/NAME.fields.txt and NAME.conn.txt). Sourced by
# view.sh and quick.sh, so both print exactly the golden's columns.
# Per-packet fields: single pass (tshark -T fields).
fields=(frame.number tcp.stream tcplife.sender tcp.flags.str tcp.len
        tcplife.phase tcplife.state.client tcplife.state.server
        tcplife.handshake.step tcplife.handshake.ack_ok tcplife.handshake.retry
        tcplife.handshake.backoff tcplife.teardown.step tcplife.teardown.kind
        tcplife.teardown.initiator tcplife.half_close tcplife.half_close.bytes
        tcplife.half_close.duration tcplife.rst.kind tcplife.rst.unread_data
        tcplife.rst.unread_bytes tcplife.rst.unacked_bytes tcplife.time_wait.holder
        tcplife.time_wait.left tcplife.time_wait.reuse tcplife.time_wait.prev_stream
        tcplife.midstream tcplife.roles_inferred tcplife.api
        tcplife.rst.reason tcplife.keepalive tcplife.duplicate)
# Whole-connection fields: two passes only (tshark -2 -T fields).
conn_fields=(frame.number tcp.stream tcplife.conn.outcome tcplife.conn.duration
             tcplife.conn.handshake tcplife.conn.zeek_state tcplife.conn.history
             tcplife.conn.one_sided)
# The -T fields options both views use.
fields_opts=(-T fields -E header=y -E separator=/t -E occurrence=a -E aggregator=,)
