package com.ffs.validator.validation;

import java.util.List;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The zero-shot fashion check: prompts for fashion images and for everything else a marketplace receives. */
@ConfigMapping(prefix = "validator.fashion")
public interface FashionConfig {

    /** is_fashion when the summed probability of the fashion prompts is at least this. */
    @WithDefault("0.5")
    double threshold();

    /** Prompts that describe fashion images (comma-separated in properties; no commas inside a prompt). */
    @WithDefault("a photo of clothing,a photo of a dress,a photo of a shirt,a photo of a t-shirt,"
            + "a photo of trousers or jeans,a photo of a skirt,a photo of a jacket or coat,a photo of a sweater,"
            + "a photo of shoes,a photo of sneakers,a photo of boots,a photo of a handbag,a photo of a backpack,"
            + "a photo of a purse or wallet,a photo of jewelry,a photo of a necklace or earrings,a photo of a watch,"
            + "a photo of sunglasses,a photo of a hat or cap,a photo of a scarf or belt,a photo of lingerie,"
            + "a photo of swimwear,a photo of a person wearing an outfit,a fashion model posing in clothes,"
            + "a product photo of apparel,a product photo of fashion accessories")
    List<String> prompts();

    /** Prompts that describe what is not fashion. */
    @WithDefault("a photo of food,a photo of a meal or drink,a photo of a landscape,a photo of a beach or mountain,"
            + "a photo of an animal,a photo of a pet dog or cat,a photo of a car or vehicle,a photo of a bicycle,"
            + "a photo of furniture,a photo of a room interior,a photo of a building,a photo of a city street,"
            + "a screenshot,a photo of a document or text,a photo of a receipt,a chart or diagram,"
            + "a photo of electronics,a photo of a phone or computer,a photo of a plant or flowers,"
            + "a photo of a kitchen appliance,a meme or cartoon,a drawing,a photo of toys,a photo of a sports game,"
            + "a logo,a photo of tools,a photo of books")
    List<String> negativePrompts();
}
