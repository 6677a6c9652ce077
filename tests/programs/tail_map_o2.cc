// tail_map_o2.cc - std::map insertion at -O2 (tests/e2e/src_tail_gdb.sh): libstdc++'s
// _M_get_insert_hint_unique_pos ends in a tail jump to _M_get_insert_unique_pos,
// and its caller, _M_emplace_hint_unique, is inlined deep into main: gdb's bt
// shows the function that jumped as a tailcall frame, found from the call-site
// entry inside those inlined copies.
#include <cstdio>
#include <map>
#include <string>
#include <vector>

static std::string label(int k)
{
	std::string s = "k";
	s += std::to_string(k);
	return s;
}

static int count_long(const std::vector<std::string> &v, size_t min)
{
	int n = 0;
	for (const auto &s : v)
		if (s.size() >= min)
			n++;
	return n;
}

int main()
{
	std::vector<int> nums;
	for (int i = 0; i < 4; i++)
		nums.push_back(i * i);
	std::map<std::string, int> m;
	for (int k : nums)
		m[label(k)] = k;
	std::vector<std::string> keys;
	for (const auto &kv : m)
		keys.push_back(kv.first);
	int n = count_long(keys, 2);
	std::string joined;
	for (const auto &k : keys)
		joined += k;
	std::printf("%d %zu %s\n", n, m.size(), joined.c_str());
	return 0;
}
