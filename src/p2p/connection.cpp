#include "p2p/connection.h"

#include <spdlog/spdlog.h>

#include <cassert>
#include <cstring>

namespace telco::p2p {
namespace {

// One read takes at most this much; it holds several whole frames, so a stream of small
// messages costs one system call per many frames.
constexpr std::size_t kReadBufferBytes = 64 * 1024;
static_assert(kReadBufferBytes >= 2 * kFrameBytesMax);
// Fragments sealed into one write: large enough to amortise the system call, small enough
// that a vote queued behind a block waits at most this many bytes in our own buffer.
constexpr std::size_t kWriteBatchBytes = 64 * 1024;

constexpr std::uint8_t kControlPing = 1;
constexpr std::uint8_t kControlPong = 2;

const SharedMessage& control_message(std::uint8_t type) {
  static const SharedMessage ping = std::make_shared<const Bytes>(Bytes{kControlPing});
  static const SharedMessage pong = std::make_shared<const Bytes>(Bytes{kControlPong});
  return type == kControlPing ? ping : pong;
}

std::uint32_t read_u32_le(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
         static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}

std::string endpoint_text(const tcp::endpoint& e) {
  const std::string ip = e.address().to_string();
  return (e.address().is_v6() ? "[" + ip + "]" : ip) + ":" + std::to_string(e.port());
}

}  // namespace

Connection::Connection(asio::io_context& ioc, const ConnectionSettings& settings, ConnectionOwner& owner,
                       std::uint64_t serial, PeerAddress dial)
    : settings_(settings),
      owner_(owner),
      serial_(serial),
      outbound_(true),
      dial_(std::move(dial)),
      strand_(asio::make_strand(ioc)),
      socket_(ioc),
      resolver_(ioc),
      deadline_(ioc),
      ping_timer_(ioc),
      throttle_timer_(ioc),
      read_buffer_(kReadBufferBytes),
      reassembler_(*settings.channels),
      bytes_bucket_(settings.inbound_rate.bytes_per_second, settings.inbound_rate.burst_bytes,
                    std::chrono::steady_clock::now()),
      messages_bucket_(settings.inbound_rate.messages_per_second, settings.inbound_rate.burst_messages,
                       std::chrono::steady_clock::now()),
      queues_(*settings.channels) {
  info_.outbound = true;
  info_.address = dial_->endpoint();
}

Connection::Connection(asio::io_context& ioc, tcp::socket socket, const ConnectionSettings& settings,
                       ConnectionOwner& owner, std::uint64_t serial)
    : settings_(settings),
      owner_(owner),
      serial_(serial),
      outbound_(false),
      strand_(asio::make_strand(ioc)),
      socket_(std::move(socket)),
      resolver_(ioc),
      deadline_(ioc),
      ping_timer_(ioc),
      throttle_timer_(ioc),
      read_buffer_(kReadBufferBytes),
      reassembler_(*settings.channels),
      bytes_bucket_(settings.inbound_rate.bytes_per_second, settings.inbound_rate.burst_bytes,
                    std::chrono::steady_clock::now()),
      messages_bucket_(settings.inbound_rate.messages_per_second, settings.inbound_rate.burst_messages,
                       std::chrono::steady_clock::now()),
      queues_(*settings.channels) {}

std::string Connection::who() const {
  std::string out = info_.address.empty() ? "?" : info_.address;
  if (info_.id != NodeId{}) out = short_id(info_.id) + "@" + out;
  return (outbound_ ? "to " : "from ") + out;
}

// ---- setup and handshake ------------------------------------------------------------------

void Connection::start() {
  asio::post(strand_, [self = shared_from_this()] {
    self->arm_deadline();
    if (!self->outbound_) {
      self->begin_handshake();
      return;
    }
    self->resolver_.async_resolve(
        self->dial_->host, std::to_string(self->dial_->port),
        asio::bind_executor(self->strand_, [self](const error_code& ec, const tcp::resolver::results_type& r) {
          self->on_resolved(ec, r);
        }));
  });
}

void Connection::arm_deadline() {
  deadline_.expires_after(settings_.handshake_timeout);
  deadline_.async_wait(asio::bind_executor(strand_, [self = shared_from_this()](const error_code& ec) {
    if (ec || self->state_ == State::kOpen || self->state_ == State::kClosed) return;
    self->do_close(CloseCause::kOther, "connect and handshake did not finish within " +
                                           std::to_string(self->settings_.handshake_timeout.count()) + " ms");
  }));
}

void Connection::on_resolved(const error_code& ec, const tcp::resolver::results_type& results) {
  if (state_ == State::kClosed) return;
  if (ec) return do_close(CloseCause::kOther, "cannot resolve " + dial_->host + ": " + ec.message());
  asio::async_connect(socket_, results,
                      asio::bind_executor(strand_, [self = shared_from_this()](const error_code& e, const tcp::endpoint&) {
                        if (self->state_ == State::kClosed) return;
                        if (e) return self->do_close(CloseCause::kOther, "connect failed: " + e.message());
                        self->begin_handshake();
                      }));
}

void Connection::begin_handshake() {
  state_ = State::kHandshake;
  error_code ec;
  socket_.set_option(tcp::no_delay(true), ec);
  const tcp::endpoint remote = socket_.remote_endpoint(ec);
  if (ec) return do_close(CloseCause::kOther, "connection lost before the handshake: " + ec.message());
  info_.address = endpoint_text(remote);
  remote_ip_ = remote.address().to_string();
  handshake_ = std::make_unique<Handshake>(
      LocalIdentity{settings_.node_key, settings_.chain_id, settings_.advertised_port, settings_.agent});
  asio::async_write(socket_, asio::buffer(handshake_->hello()),
                    asio::bind_executor(strand_, [self = shared_from_this()](const error_code& e, std::size_t) {
                      self->on_hello_written(e);
                    }));
}

void Connection::on_hello_written(const error_code& ec) {
  if (state_ == State::kClosed) return;
  if (ec) return do_close(CloseCause::kOther, "handshake write failed: " + ec.message());
  asio::async_read(socket_, asio::buffer(peer_hello_),
                   asio::bind_executor(strand_, [self = shared_from_this()](const error_code& e, std::size_t) {
                     self->on_hello_read(e);
                   }));
}

void Connection::on_hello_read(const error_code& ec) {
  if (state_ == State::kClosed) return;
  if (ec) return do_close(CloseCause::kOther, "peer closed the connection during the handshake (" + ec.message() + ")");
  if (handshake_->on_peer_hello(peer_hello_, &auth_out_) != HandshakeError::kNone) {
    return do_close(CloseCause::kHandshake, handshake_->error_detail());
  }
  asio::async_write(socket_, asio::buffer(auth_out_),
                    asio::bind_executor(strand_, [self = shared_from_this()](const error_code& e, std::size_t) {
                      self->on_auth_written(e);
                    }));
}

void Connection::on_auth_written(const error_code& ec) {
  if (state_ == State::kClosed) return;
  if (ec) return do_close(CloseCause::kOther, "handshake write failed: " + ec.message());
  asio::async_read(socket_, asio::buffer(read_buffer_.data(), kFrameLengthBytes),
                   asio::bind_executor(strand_, [self = shared_from_this()](const error_code& e, std::size_t) {
                     self->on_auth_header(e);
                   }));
}

void Connection::on_auth_header(const error_code& ec) {
  if (state_ == State::kClosed) return;
  if (ec) return do_close(CloseCause::kOther, "peer closed the connection during the handshake (" + ec.message() + ")");
  const std::uint32_t length = read_u32_le(read_buffer_.data());
  if (length < kFrameTagBytes || length > kAuthCiphertextMax) {
    return do_close(CloseCause::kHandshake, "auth frame length " + std::to_string(length) + " outside " +
                                                std::to_string(kFrameTagBytes) + ".." +
                                                std::to_string(kAuthCiphertextMax));
  }
  read_filled_ = kFrameLengthBytes + length;
  asio::async_read(socket_, asio::buffer(read_buffer_.data() + kFrameLengthBytes, length),
                   asio::bind_executor(strand_, [self = shared_from_this()](const error_code& e, std::size_t) {
                     self->on_auth_body(e);
                   }));
}

void Connection::on_auth_body(const error_code& ec) {
  if (state_ == State::kClosed) return;
  if (ec) return do_close(CloseCause::kOther, "peer closed the connection during the handshake (" + ec.message() + ")");
  const HandshakeError e = handshake_->on_peer_auth(ByteView(read_buffer_.data(), read_filled_));
  read_filled_ = 0;
  if (e != HandshakeError::kNone) {
    return do_close(e == HandshakeError::kWrongChain ? CloseCause::kWrongChain : CloseCause::kHandshake,
                    handshake_->error_detail());
  }
  const AuthMessage& peer = handshake_->peer();
  if (peer.node_key == settings_.node_key->public_key()) {
    return do_close(CloseCause::kSelf, "connected to ourselves");
  }
  if (outbound_ && dial_->id && *dial_->id != peer.node_key) {
    return do_close(CloseCause::kUnexpectedKey, "expected node " + node_id_hex(*dial_->id) + " but the peer is " +
                                                    node_id_hex(peer.node_key));
  }
  info_.id = peer.node_key;
  info_.listen_port = peer.listen_port;
  info_.agent = printable(peer.agent);
  sealer_.emplace(handshake_->take_sealer());
  opener_.emplace(handshake_->take_opener());
  if (auto refusal = owner_.admit(shared_from_this())) return do_close(CloseCause::kRefused, *refusal);
  open();
}

void Connection::open() {
  state_ = State::kOpen;
  deadline_.cancel();
  opened_at_ = std::chrono::steady_clock::now();
  last_receive_ = opened_at_;
  handshake_.reset();  // every handshake write has completed: its buffers are free
  arm_ping();
  schedule_read();
  post_pump();
}

// ---- reading ------------------------------------------------------------------------------

void Connection::schedule_read() {
  if (state_ != State::kOpen) return;
  if (undelivered_.load(std::memory_order_acquire) > settings_.undelivered_bytes_max) {
    read_paused_ = true;  // on_delivered resumes
    return;
  }
  const auto now = std::chrono::steady_clock::now();
  const auto wait = std::max(bytes_bucket_.wait_time(now), messages_bucket_.wait_time(now));
  if (wait > std::chrono::steady_clock::duration::zero()) {
    throttle_timer_.expires_after(wait);
    throttle_timer_.async_wait(asio::bind_executor(strand_, [self = shared_from_this()](const error_code& ec) {
      // Frames left in the buffer by the message budget go first.
      if (!ec && self->state_ == State::kOpen && self->process_frames()) self->schedule_read();
    }));
    return;
  }
  if (read_filled_ == read_buffer_.size()) {
    // Full of frames the message budget held back a moment ago; it has refilled since, so
    // this consumes at least one (the buffer holds several whole frames).
    if (process_frames()) schedule_read();
    return;
  }
  socket_.async_read_some(
      asio::buffer(read_buffer_.data() + read_filled_, read_buffer_.size() - read_filled_),
      asio::bind_executor(strand_, [self = shared_from_this()](const error_code& ec, std::size_t n) {
        self->on_read(ec, n);
      }));
}

void Connection::on_read(const error_code& ec, std::size_t n) {
  if (state_ != State::kOpen) return;
  if (ec) {
    return do_close(CloseCause::kOther,
                    ec == asio::error::eof ? "peer closed the connection" : "read failed: " + ec.message());
  }
  const auto now = std::chrono::steady_clock::now();
  last_receive_ = now;
  bytes_in_.fetch_add(n, std::memory_order_relaxed);
  settings_.counters->bytes_in.fetch_add(n, std::memory_order_relaxed);
  bytes_bucket_.consume(static_cast<double>(n), now);
  read_filled_ += n;
  if (process_frames()) schedule_read();
}

bool Connection::process_frames() {
  std::size_t offset = 0;
  const auto now = std::chrono::steady_clock::now();
  for (;;) {
    // Over the message budget: leave the rest buffered until the bucket refills, so the
    // limit holds even for many small messages that arrived in one read.
    if (messages_bucket_.wait_time(now) > std::chrono::steady_clock::duration::zero()) break;
    const ByteView rest(read_buffer_.data() + offset, read_filled_ - offset);
    const FrameSplit split = split_frame(rest);
    if (split.status == SplitStatus::kNeedMore) break;
    if (split.status == SplitStatus::kBadLength) {
      do_close(CloseCause::kProtocol, "frame length " + std::to_string(split.claimed_length) + " outside " +
                                          std::to_string(kFrameTagBytes) + ".." + std::to_string(kFrameCiphertextMax));
      return false;
    }
    // Not a fault of the peer's identity: anyone on the path can corrupt a frame.
    if (!opener_->open(rest.first(split.frame_bytes), plaintext_)) {
      do_close(CloseCause::kProtocol, "frame failed authentication (corrupted, tampered with or replayed in transit)");
      return false;
    }
    offset += split.frame_bytes;
    Fragment fragment;
    const FragmentError e = decode_fragment(plaintext_, *settings_.channels, &fragment);
    if (e == FragmentError::kUnknownChannel) {
      // Likely a newer peer with a channel we lack: drop the connection, no penalty.
      do_close(CloseCause::kProtocol, "message on unknown channel " + std::to_string(plaintext_[0]));
      return false;
    }
    if (e != FragmentError::kNone) {
      fault_and_close(PeerFault::kMalformed, describe(e));
      return false;
    }
    if (!handle_fragment(fragment) || state_ != State::kOpen) return false;
  }
  if (offset > 0) {
    std::memmove(read_buffer_.data(), read_buffer_.data() + offset, read_filled_ - offset);
    read_filled_ -= offset;
  }
  return true;
}

bool Connection::handle_fragment(const Fragment& fragment) {
  const auto now = std::chrono::steady_clock::now();
  if (fragment.channel == kChannelControl) {
    messages_bucket_.consume(1, now);
    handle_control(fragment.chunk);
    return state_ == State::kOpen;
  }
  Bytes message;
  bool complete = false;
  const FragmentError e = reassembler_.add(fragment, &message, &complete);
  if (e != FragmentError::kNone) {
    fault_and_close(e == FragmentError::kMessageTooLarge ? PeerFault::kInvalid : PeerFault::kMalformed,
                    std::string(describe(e)) + " (channel " + std::to_string(fragment.channel) + ")");
    return false;
  }
  if (!complete) return true;
  messages_bucket_.consume(1, now);
  messages_in_.fetch_add(1, std::memory_order_relaxed);
  settings_.counters->messages_in.fetch_add(1, std::memory_order_relaxed);
  undelivered_.fetch_add(delivery_cost(message.size()), std::memory_order_acq_rel);
  owner_.on_message(shared_from_this(), fragment.channel, std::move(message));
  return true;
}

void Connection::handle_control(ByteView payload) {
  if (payload.size() != 1 || (payload[0] != kControlPing && payload[0] != kControlPong)) {
    return fault_and_close(PeerFault::kMalformed, "bad control message");
  }
  if (payload[0] == kControlPing) queue_control(kControlPong);
}

void Connection::queue_control(std::uint8_t type) {
  bool queued;
  {
    std::lock_guard lock(queue_mutex_);
    queued = queues_.push(kChannelControl, control_message(type)) == QueueResult::kQueued;
  }
  if (queued) post_pump();  // a full control queue already holds pings/pongs: dropping one is harmless
}

void Connection::arm_ping() {
  ping_timer_.expires_after(settings_.ping_interval);
  ping_timer_.async_wait(asio::bind_executor(strand_, [self = shared_from_this()](const error_code& ec) {
    if (ec || self->state_ != State::kOpen) return;
    const auto silent = std::chrono::steady_clock::now() - self->last_receive_;
    if (silent > self->settings_.peer_timeout) {
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(silent).count();
      return self->do_close(CloseCause::kOther, "peer silent for " + std::to_string(ms) + " ms");
    }
    self->queue_control(kControlPing);
    self->arm_ping();
  }));
}

void Connection::on_delivered(std::size_t accounted) {
  const std::size_t before = undelivered_.fetch_sub(accounted, std::memory_order_acq_rel);
  const std::size_t max = settings_.undelivered_bytes_max;
  if (before > max && before - accounted <= max) {
    asio::post(strand_, [self = shared_from_this()] {
      if (!self->read_paused_ || self->state_ != State::kOpen) return;
      self->read_paused_ = false;
      self->schedule_read();
    });
  }
}

// ---- writing ------------------------------------------------------------------------------

QueueResult Connection::send(ChannelId channel, SharedMessage message) {
  QueueResult r;
  {
    std::lock_guard lock(queue_mutex_);
    r = queues_.push(channel, std::move(message));
  }
  if (r == QueueResult::kQueued) {
    post_pump();
  } else if (r == QueueResult::kOverflowDisconnect) {
    close(CloseCause::kOther, "send queue of channel " + std::to_string(channel) + " overflowed (peer too slow)");
  }
  return r;
}

void Connection::post_pump() {
  if (pump_posted_.exchange(true, std::memory_order_acq_rel)) return;
  asio::post(strand_, [self = shared_from_this()] { self->pump(); });
}

void Connection::pump() {
  pump_posted_.store(false, std::memory_order_release);
  if (state_ != State::kOpen || write_in_flight_) return;
  batch_.clear();
  {
    std::lock_guard lock(queue_mutex_);
    std::size_t bytes = 0;
    while (bytes < kWriteBatchBytes) {
      auto f = queues_.next();
      if (!f) break;
      bytes += f->size;
      batch_.push_back(std::move(*f));
    }
  }
  if (batch_.empty()) return;
  write_buffer_.clear();
  std::uint64_t completed = 0;
  for (const OutgoingFragment& f : batch_) {
    encode_fragment(f.channel, f.last, f.chunk(), fragment_buffer_);
    if (!sealer_->seal(fragment_buffer_, write_buffer_)) {
      return do_close(CloseCause::kOther, "frame counter exhausted; reconnecting for fresh keys");
    }
    if (f.last && f.channel != kChannelControl) ++completed;
  }
  batch_.clear();
  messages_out_.fetch_add(completed, std::memory_order_relaxed);
  settings_.counters->messages_out.fetch_add(completed, std::memory_order_relaxed);
  write_in_flight_ = true;
  asio::async_write(socket_, asio::buffer(write_buffer_),
                    asio::bind_executor(strand_, [self = shared_from_this()](const error_code& ec, std::size_t n) {
                      self->on_written(ec, n);
                    }));
}

void Connection::on_written(const error_code& ec, std::size_t n) {
  write_in_flight_ = false;
  if (state_ != State::kOpen) return;
  if (ec) return do_close(CloseCause::kOther, "write failed: " + ec.message());
  bytes_out_.fetch_add(n, std::memory_order_relaxed);
  settings_.counters->bytes_out.fetch_add(n, std::memory_order_relaxed);
  pump();
}

std::vector<ChannelQueueDepth> Connection::queue_depths() const {
  std::lock_guard lock(queue_mutex_);
  return queues_.depths();
}

// ---- closing ------------------------------------------------------------------------------

void Connection::close(CloseCause cause, std::string reason) {
  asio::post(strand_, [self = shared_from_this(), cause, reason = std::move(reason)] { self->do_close(cause, reason); });
}

void Connection::fault_and_close(PeerFault fault, const std::string& reason) {
  owner_.on_fault(shared_from_this(), fault, reason);
  do_close(CloseCause::kProtocol, std::string(describe(fault)) + ": " + reason);
}

void Connection::do_close(CloseCause cause, const std::string& reason) {
  if (state_ == State::kClosed) return;
  const bool was_open = state_ == State::kOpen;
  state_ = State::kClosed;
  closed_.store(true, std::memory_order_release);
  deadline_.cancel();
  ping_timer_.cancel();
  throttle_timer_.cancel();
  resolver_.cancel();
  error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  // Buffers of operations still in flight (the handshake's, write_buffer_) stay alive with
  // this object until their aborted handlers have run.
  owner_.on_closed(shared_from_this(), cause, reason, was_open);
}

}  // namespace telco::p2p
