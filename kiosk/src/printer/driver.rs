//! The byte stream to the printer: a serial port, a TCP socket (port 9100) or a device file.
//!
//! Blocking I/O on purpose: the worker thread owns the printer and does one ticket at a time, and
//! every read has a timeout so a silent printer becomes a `Disconnected` status, never a hang.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use super::status::{self, PrinterStatus};
use super::uri::PrinterUri;

/// How long a printer may take to answer one status byte. Real printers answer DLE EOT within a
/// few milliseconds even while printing; a second covers a busy USB-serial adapter.
pub const STATUS_TIMEOUT: Duration = Duration::from_millis(1000);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
const WRITE_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum DriverError {
    #[error("cannot open printer {uri}: {source}")]
    Open { uri: String, source: io::Error },
    #[error("cannot open serial printer {uri}: {source}")]
    Serial {
        uri: String,
        source: serialport::Error,
    },
    #[error("printer link broke: {0}")]
    Io(#[from] io::Error),
    #[error("printer did not answer a status query within {0:?}")]
    NoAnswer(Duration),
    #[error(transparent)]
    BadReply(#[from] status::BadReply),
}

enum Link {
    Tcp(TcpStream),
    Serial(Box<dyn serialport::SerialPort>),
    File(File),
}

/// An open connection to the printer.
pub struct Connection {
    link: Link,
    uri: PrinterUri,
}

impl Connection {
    pub fn open(uri: &PrinterUri) -> Result<Connection, DriverError> {
        let open_err = |source| DriverError::Open {
            uri: uri.to_string(),
            source,
        };
        let link = match uri {
            PrinterUri::Tcp { host, port } => {
                let addr = (host.as_str(), *port)
                    .to_socket_addrs()
                    .map_err(open_err)?
                    .next()
                    .ok_or_else(|| {
                        open_err(io::Error::new(
                            io::ErrorKind::NotFound,
                            "host has no address",
                        ))
                    })?;
                let stream =
                    TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT).map_err(open_err)?;
                stream.set_nodelay(true).map_err(open_err)?;
                stream
                    .set_write_timeout(Some(WRITE_TIMEOUT))
                    .map_err(open_err)?;
                Link::Tcp(stream)
            }
            PrinterUri::Serial { path, baud } => {
                let port = serialport::new(path.to_string_lossy(), *baud)
                    .timeout(STATUS_TIMEOUT)
                    .open()
                    .map_err(|source| DriverError::Serial {
                        uri: uri.to_string(),
                        source,
                    })?;
                Link::Serial(port)
            }
            PrinterUri::File { path } => Link::File(
                OpenOptions::new()
                    .write(true)
                    .open(path)
                    .map_err(open_err)?,
            ),
        };
        Ok(Connection {
            link,
            uri: uri.clone(),
        })
    }

    pub fn uri(&self) -> &PrinterUri {
        &self.uri
    }

    pub fn write_all(&mut self, bytes: &[u8]) -> Result<(), DriverError> {
        match &mut self.link {
            Link::Tcp(s) => s.write_all(bytes)?,
            Link::Serial(p) => {
                p.write_all(bytes)?;
                p.flush()?;
            }
            Link::File(f) => {
                f.write_all(bytes)?;
                f.flush()?;
            }
        }
        Ok(())
    }

    /// Ask the printer for its state. `None` on a one-way link (a device file), where only the
    /// write itself can fail.
    pub fn status(&mut self) -> Result<Option<PrinterStatus>, DriverError> {
        if matches!(self.link, Link::File(_)) {
            return Ok(None);
        }
        self.discard_input()?;
        let mut replies = [0u8; 3];
        for (kind, reply) in status::QUERIES.iter().zip(replies.iter_mut()) {
            self.write_all(&status::request(*kind))?;
            *reply = self.read_byte(STATUS_TIMEOUT)?;
        }
        Ok(Some(status::classify(replies[0], replies[1], replies[2])?))
    }

    /// Drop replies that arrived late from an earlier query, so answers never get out of step.
    fn discard_input(&mut self) -> Result<(), DriverError> {
        let mut buf = [0u8; 64];
        match &mut self.link {
            Link::Tcp(s) => {
                s.set_nonblocking(true)?;
                let r = loop {
                    match s.read(&mut buf) {
                        Ok(0) => {
                            break Err(io::Error::new(
                                io::ErrorKind::UnexpectedEof,
                                "printer closed the connection",
                            ))
                        }
                        Ok(_) => continue,
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => break Ok(()),
                        Err(e) => break Err(e),
                    }
                };
                s.set_nonblocking(false)?;
                r?;
            }
            Link::Serial(p) => p
                .clear(serialport::ClearBuffer::Input)
                .map_err(io::Error::from)?,
            Link::File(_) => {}
        }
        Ok(())
    }

    fn read_byte(&mut self, timeout: Duration) -> Result<u8, DriverError> {
        let deadline = Instant::now() + timeout;
        let mut byte = [0u8; 1];
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(DriverError::NoAnswer(timeout));
            }
            let n = match &mut self.link {
                Link::Tcp(s) => {
                    s.set_read_timeout(Some(left))?;
                    s.read(&mut byte)
                }
                Link::Serial(p) => {
                    p.set_timeout(left).map_err(io::Error::from)?;
                    p.read(&mut byte)
                }
                Link::File(_) => return Err(DriverError::NoAnswer(timeout)),
            };
            match n {
                Ok(1) => return Ok(byte[0]),
                Ok(_) => {
                    return Err(DriverError::Io(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "printer closed the connection",
                    )))
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) =>
                {
                    return Err(DriverError::NoAnswer(timeout))
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e.into()),
            }
        }
    }
}

/// Ask for status; any failure to get an answer means the printer is, for the visitor, gone.
pub fn status_or_disconnected(conn: &mut Connection) -> (Option<PrinterStatus>, Option<String>) {
    match conn.status() {
        Ok(s) => (s, None),
        Err(DriverError::BadReply(e)) => (Some(PrinterStatus::Error), Some(e.to_string())),
        Err(e) => (Some(PrinterStatus::Disconnected), Some(e.to_string())),
    }
}
