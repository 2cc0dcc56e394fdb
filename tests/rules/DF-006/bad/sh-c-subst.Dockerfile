# No pipe, same effect: the script is downloaded by a command substitution and run by sh.
FROM registry.example.com/base/debian:12.6
RUN sh -c "$(curl -fsSL https://raw.githubusercontent.com/ohmyzsh/ohmyzsh/master/tools/install.sh)"
