// The sizes the mbox engine announces against what the protocol engine's
// encoder actually sends for the same stored bytes.
#include <gtest/gtest.h>

#include <random>

#include "common/pop3/multiline_encoder.h"
#include "tests/common/mbox/mbox_fixture.h"
#include "tests/common/mbox/mbox_gen.h"

namespace pop3d::mbox {
namespace {

TEST(MboxMaildrop, SizesEqualTheEncodersOctets) {
    for (std::uint64_t seed = 500; seed < 540; ++seed) {
        std::mt19937_64 rng(seed);
        const auto box = testing::random_mbox(rng, 1 + rng() % 12);
        testing::MboxDir d;
        d.write(box.file);
        for (bool rd : {false, true}) {
            MailConfig mail = testing::test_mail_config();
            mail.mbox_format = rd ? MboxFormat::mboxrd : MboxFormat::mboxo;
            auto m = d.open(mail);
            ASSERT_TRUE(m.ok()) << m.error().message;
            for (std::size_t i = 0; i < (*m)->count(); ++i) {
                pop3::MultilineEncoder encoder((*m)->unquotes_from());
                std::string wire;
                const pop3::WireSink sink = [&](std::string_view b) -> Status {
                    wire.append(b);
                    return {};
                };
                ASSERT_TRUE((*m)->read(i, [&](std::string_view chunk) -> Result<Reading> {
                                    if (auto st = encoder.feed(chunk, sink); !st) return st.error();
                                    return Reading::more;
                                }).ok());
                ASSERT_TRUE(encoder.finish(sink).ok());
                EXPECT_EQ(encoder.octets(), (*m)->octets(i)) << "seed " << seed << " message " << i;
            }
        }
    }
}

}  // namespace
}  // namespace pop3d::mbox
