package keys

import "strings"

// splitLines splits data into lines without their "\n" ends, for the
// line-oriented keyring and key-file encodings. Every line, the last
// included, must end in "\n", and there must be at least minLines of them;
// otherwise it reports false (the caller calls that truncated). It never
// panics.
func splitLines(data []byte, minLines int) ([]string, bool) {
	lines := strings.SplitAfter(string(data), "\n")
	if len(lines) < minLines+1 || lines[len(lines)-1] != "" {
		return nil, false
	}
	lines = lines[:len(lines)-1]
	for i := range lines {
		lines[i] = strings.TrimSuffix(lines[i], "\n")
	}
	return lines, true
}
